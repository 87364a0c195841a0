import { cn } from "@/lib/utils";

/** Hues per SKU, so each product keeps its look without image files to host. */
function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

/**
 * A product illustration drawn from the SKU: a soft gradient and a simple object. Decorative
 * (the name is the heading next to it), so it is hidden from assistive technology.
 */
export function ProductArt({ sku, className }: { sku: string; className?: string }) {
  const h = hash(sku);
  const hue = h % 360;
  const shape = h % 3;
  const id = `art-${sku.toLowerCase()}`;
  return (
    <svg viewBox="0 0 160 120" aria-hidden focusable="false" className={cn("block w-full rounded-lg", className)}>
      <defs>
        <linearGradient id={id} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor={`hsl(${hue} 70% 92%)`} />
          <stop offset="1" stopColor={`hsl(${(hue + 40) % 360} 65% 80%)`} />
        </linearGradient>
      </defs>
      <rect width="160" height="120" fill={`url(#${id})`} />
      <ellipse cx="80" cy="98" rx="38" ry="6" fill={`hsl(${hue} 30% 30% / 0.15)`} />
      {shape === 0 && <rect x="52" y="34" width="56" height="56" rx="12" fill={`hsl(${hue} 55% 45%)`} />}
      {shape === 1 && <circle cx="80" cy="62" r="30" fill={`hsl(${hue} 55% 45%)`} />}
      {shape === 2 && <path d="M80 28 L112 90 H48 Z" fill={`hsl(${hue} 55% 45%)`} />}
      <circle cx="70" cy="52" r="7" fill="white" fillOpacity="0.35" />
    </svg>
  );
}
