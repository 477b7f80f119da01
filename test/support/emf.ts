/**
 * Reads the CloudWatch Embedded Metric Format documents Powertools Metrics writes to stdout (one JSON object
 * per line with an `_aws` key), for tests that assert which business metrics an outcome emitted.
 */
export interface EmfDocument {
  readonly namespace: string;
  /** The dimension names of the document's (single) dimension set. */
  readonly dimensionNames: readonly string[];
  /** Dimension values, by name. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** Metric name → unit. */
  readonly units: Readonly<Record<string, string>>;
  /** Metric name → value (a sum when one document carries several values of one metric). */
  readonly values: Readonly<Record<string, number>>;
  readonly line: string;
}

interface RawEmf {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

/** Every EMF document in the captured chunks (other lines — logs — are skipped). */
export const emfDocuments = (chunks: readonly string[]): EmfDocument[] =>
  chunks
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => {
      const raw = JSON.parse(line) as RawEmf;
      const directive = raw._aws.CloudWatchMetrics[0]!;
      const dimensionNames = directive.Dimensions[0] ?? [];
      const dimensions = Object.fromEntries(dimensionNames.map((name) => [name, String(raw[name])]));
      const units = Object.fromEntries(directive.Metrics.map((m) => [m.Name, m.Unit]));
      const values = Object.fromEntries(
        directive.Metrics.map((m) => {
          const v = raw[m.Name];
          return [m.Name, Array.isArray(v) ? (v as number[]).reduce((a, b) => a + b, 0) : (v as number)];
        }),
      );
      return { namespace: directive.Namespace, dimensionNames, dimensions, units, values, line };
    });

/** The total of one metric over the documents, optionally only those with a dimension value. */
export const metricTotal = (docs: readonly EmfDocument[], name: string, dimension?: Readonly<Record<string, string>>): number =>
  docs
    .filter((d) => name in d.values && Object.entries(dimension ?? {}).every(([k, v]) => d.dimensions[k] === v))
    .reduce((sum, d) => sum + (d.values[name] ?? 0), 0);
