/** npm run build:main: the Electron shell into dist/main/*.cjs (scripts/shell-build.ts). */
import { buildShell } from './shell-build';

await buildShell();
console.log('built dist/main/{main,db-process,preload}.cjs');
