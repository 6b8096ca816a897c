// Where bin/mesh.cjs keeps V8's compiled code between runs (Node 22.1+, module.enableCompileCache): the user's own
// cache folder, never the workspace and never a folder other users can write to (the OS temp folder, Node's default,
// is shared by every user of the machine). Node keeps one subfolder per Node version and checks each entry against
// its source. A NODE_COMPILE_CACHE of the user's choice wins (Node has enabled it already); with no home folder there
// is no cache, and start-up compiles, as on Node 20.
'use strict';
const path = require('node:path');

/**
 * @param {{ env: Record<string, string | undefined>, platform: string, homedir: () => string }} system
 * @returns {string | undefined} the folder, or undefined for no cache of mesh's own
 */
function compileCacheDir({ env, platform, homedir }) {
  if (env.NODE_COMPILE_CACHE) return undefined;
  if (platform === 'win32') {
    return env.LOCALAPPDATA && path.win32.isAbsolute(env.LOCALAPPDATA)
      ? path.win32.join(env.LOCALAPPDATA, 'mesh', 'compile-cache')
      : undefined;
  }
  let home = '';
  try {
    home = homedir();
  } catch {
    // no home folder (a system account): no cache
  }
  if (!home || home === '/' || !path.isAbsolute(home)) return undefined;
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'mesh', 'compile-cache');
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache');
  return path.join(xdg, 'mesh', 'compile-cache');
}

module.exports = { compileCacheDir };
