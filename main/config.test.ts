import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import ts from 'typescript';
import { CONTENT_SECURITY_POLICY } from './security';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

describe('the content security policy', () => {
  it('is strict: nothing by default, no inline script, no eval, no remote origins', () => {
    const csp = directives(CONTENT_SECURITY_POLICY);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|'unsafe-eval'|https?:|\*/);
  });

  it('is the same in the page’s meta tag as in the header the shell sends', () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(read('renderer/index.html'))?.[1];
    expect(meta).toBeDefined();
    expect(directives(meta ?? '')).toEqual(directives(CONTENT_SECURITY_POLICY));
  });
});

/** The literal `webPreferences` of every `new BrowserWindow({...})` in main.ts, read with the TypeScript parser. */
function windowPreferences(): Record<string, unknown>[] {
  const source = ts.createSourceFile('main.ts', read('main/main.ts'), ts.ScriptTarget.ES2022, true);
  const found: Record<string, unknown>[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && node.expression.getText() === 'BrowserWindow') {
      const options = node.arguments?.[0];
      const prefs = options && ts.isObjectLiteralExpression(options)
        ? options.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'webPreferences')
        : undefined;
      const values: Record<string, unknown> = {};
      if (prefs && ts.isObjectLiteralExpression(prefs.initializer)) {
        for (const property of prefs.initializer.properties) {
          if (ts.isSpreadAssignment(property)) values['...'] = property.getText();
          else if (ts.isPropertyAssignment(property)) {
            const value = property.initializer;
            values[property.name.getText()] =
              value.kind === ts.SyntaxKind.TrueKeyword ? true : value.kind === ts.SyntaxKind.FalseKeyword ? false : ts.isStringLiteral(value) ? value.text : value.getText();
          }
        }
      }
      found.push(values);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the window', () => {
  it('is isolated and sandboxed, with no Node and no webviews (read from main.ts)', () => {
    const windows = windowPreferences();
    expect(windows).toHaveLength(1);
    const prefs = windows[0] ?? {};
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      disableBlinkFeatures: 'Auxclick',
    });
    // No spread: every value must be visible here and to static checkers.
    expect(prefs['...']).toBeUndefined();
    expect(String(prefs.preload)).toContain('preload.cjs');
  });

  it('refuses windows, navigation and webviews, and asks for one instance', () => {
    const main = read('main/main.ts');
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).toMatch(/'will-navigate'/);
    expect(main).toMatch(/'will-attach-webview', \(event\) => event\.preventDefault\(\)/);
    expect(main).toMatch(/setPermissionRequestHandler/);
    expect(main).toMatch(/requestSingleInstanceLock/);
  });
});

describe('the packaging config', () => {
  const config = parse(read('electron-builder.yml')) as Record<string, unknown>;

  it('sets the fuses: no RunAsNode, no NODE_OPTIONS, no inspect, ASAR integrity, load only from ASAR', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('builds Windows NSIS, Linux AppImage and macOS dmg, with the camera usage text, and rebuilds the native driver', () => {
    const targets = (platform: string) => JSON.stringify((config[platform] as { target: unknown }).target);
    expect(targets('win')).toContain('nsis');
    expect(targets('linux')).toContain('AppImage');
    expect(targets('mac')).toContain('dmg');
    const mac = config.mac as { extendInfo: Record<string, string> };
    expect(mac.extendInfo.NSCameraUsageDescription).toMatch(/カメラ.*camera/s);
    expect(config.npmRebuild).toBe(true);
  });
});
