import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build` → console/dist, served by `npm start` at `/` (local/http/console.ts). Pages are loaded
// per route (React.lazy), so the first page carries only the shell and the sign-in form.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200, reportCompressedSize: true },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/local': 'http://127.0.0.1:3000', '/config.json': 'http://127.0.0.1:3000' } },
});
