/**
 * A QR code drawn from the module matrix the core made (rows of 0/1 joined
 * by '/'): one SVG path, black on white with a quiet zone, so the page needs
 * no generator of its own and no wider CSP.
 */
const QUIET = 4;

export function QrCode({ rows, label, testId }: { rows: string; label: string; testId?: string }) {
  const lines = rows.split('/');
  const size = lines.length;
  let path = '';
  lines.forEach((line, y) => {
    for (let x = 0; x < line.length; x++) if (line[x] === '1') path += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
  });
  const box = size + 2 * QUIET;
  return (
    <svg className="qr-code" viewBox={`0 0 ${box} ${box}`} role="img" aria-label={label} data-testid={testId} shapeRendering="crispEdges">
      <rect width={box} height={box} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
