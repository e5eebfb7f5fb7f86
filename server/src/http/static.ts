import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';
import { createDemoRoutes, type DemoRouteOptions } from '../modules/demo/demo.routes.ts';

const WIDGETS_DIRECTORY = fileURLToPath(new URL('../../../widgets/dist/', import.meta.url));
const DEMO_DIRECTORY = fileURLToPath(new URL('../../../demo/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
};

/** Resolves a URL path inside a directory, or undefined when it would escape it. */
function inside(directory: string, relative: string): string | undefined {
  const decoded = decodeURIComponent(relative);
  if (decoded.includes('\0')) return undefined;
  const file = path.resolve(directory, `.${path.posix.normalize(`/${decoded}`)}`);
  return file === directory.replace(/\/$/, '') || file.startsWith(directory) ? file : undefined;
}

async function fileResponse(
  file: string | undefined,
  headers: Record<string, string>,
  transform?: (text: string) => string,
) {
  if (!file) return undefined;
  try {
    const stat = await fs.stat(file);
    const target = stat.isDirectory() ? path.join(file, 'index.html') : file;
    const type = TYPES[path.extname(target)] ?? 'application/octet-stream';
    const body = await fs.readFile(target);
    return new Response(transform && type.startsWith('text/html') ? transform(body.toString('utf8')) : body, {
      headers: { 'content-type': type, 'x-content-type-options': 'nosniff', ...headers },
    });
  } catch {
    return undefined;
  }
}

export interface StaticOptions {
  /**
   * Serve the demo storefront at `/`, with the publishable key filled into its pages, and its helper
   * routes under `/demo/` (shoppers, customer tokens, survey links: they need the secret key and the
   * database).
   */
  demo?: DemoRouteOptions | undefined;
}

/**
 * Serves the widget bundle at `/widgets/` to any origin (storefronts load it cross-origin with a
 * module script, which needs CORS), and the demo storefront at `/` when asked to.
 */
export function useStaticFiles(options: StaticOptions): Plugin {
  const demoRoutes = options.demo ? createDemoRoutes(options.demo) : undefined;
  return {
    async onRequest({ url, request, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname.startsWith('/widgets/')) {
        const response = await fileResponse(inside(WIDGETS_DIRECTORY, url.pathname.slice('/widgets/'.length)), {
          'access-control-allow-origin': '*',
          'cache-control': 'public, max-age=300',
        });
        endResponse(
          response ??
            new Response('Not found. Build the widgets with: pnpm --filter @kanta/widgets build', { status: 404 }),
        );
        return;
      }
      const demo = options.demo;
      if (!demo || url.pathname.startsWith('/graphql')) return;
      if (url.pathname.startsWith('/demo/') && demoRoutes) {
        const routed = await demoRoutes(url);
        endResponse(routed ?? new Response('Not found', { status: 404 }));
        return;
      }
      const response = await fileResponse(
        inside(DEMO_DIRECTORY, url.pathname),
        { 'cache-control': 'no-cache' },
        (html) => html.replaceAll('__KANTA_PUBLISHABLE_KEY__', demo.publishableKey),
      );
      if (response) endResponse(response);
    },
  };
}
