/** Route matching as API Gateway HTTP API does it: static segments, `{param}` and greedy `{param+}`. */
import type { LambdaHandler } from '../lambda.ts';

export interface RouteDefinition {
  readonly method: string;
  readonly path: string;
  readonly fn: string;
  readonly auth: boolean;
}

export interface CompiledRoute {
  readonly method: string;
  readonly path: string;
  readonly routeKey: string;
  readonly auth: boolean;
  readonly fn: string;
  readonly handler?: LambdaHandler<never>;
  readonly segments: readonly ({ kind: 'static'; value: string } | { kind: 'param'; name: string; greedy: boolean })[];
  readonly specificity: number;
}

export function compile(route: RouteDefinition & { handler?: LambdaHandler<never> }): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((part) => {
      const param = /^\{([A-Za-z0-9_.-]+)(\+)?\}$/.exec(part);
      return param ? { kind: 'param' as const, name: param[1]!, greedy: param[2] === '+' } : { kind: 'static' as const, value: part };
    });
  return {
    method: route.method,
    path: route.path,
    routeKey: `${route.method} ${route.path}`,
    auth: route.auth,
    fn: route.fn,
    ...(route.handler ? { handler: route.handler } : {}),
    segments,
    specificity: segments.filter((s) => s.kind === 'static').length * 2 - segments.filter((s) => s.kind === 'param' && s.greedy).length,
  };
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function matchPath(route: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    const part = parts[i];
    if (segment.kind === 'param' && segment.greedy) {
      if (i >= parts.length) return undefined;
      params[segment.name] = parts.slice(i).map(decodeSegment).join('/');
      return params;
    }
    if (part === undefined) return undefined;
    if (segment.kind === 'static') {
      if (decodeSegment(part) !== segment.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = decodeSegment(part);
    }
  }
  return parts.length === route.segments.length ? params : undefined;
}
