/** What the console decides about a file before it asks for an upload: the content type it declares. */
import type { Schemas } from './api/client.ts';

type ContentType = Schemas['DocumentUpload']['contentType'];

/** The declared type of a file: what the browser says, else its extension; undefined for a format the API does not take. */
export function contentTypeOf(file: { name: string; type: string }): ContentType | undefined {
  const byType: Record<string, ContentType> = { 'application/pdf': 'application/pdf', 'image/jpeg': 'image/jpeg', 'image/png': 'image/png' };
  if (byType[file.type]) return byType[file.type];
  const ext = file.name.toLowerCase().split('.').pop();
  return ext === 'pdf' ? 'application/pdf' : ext === 'png' ? 'image/png' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : undefined;
}
