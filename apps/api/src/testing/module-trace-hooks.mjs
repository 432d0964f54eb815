// Loader hooks of module-trace.mjs: each resolved module URL is posted to the main thread.
let port;

export async function initialize(data) {
  port = data.port;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  port?.postMessage(result.url);
  return result;
}
