const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Every value that reaches the sandbox page goes through this: ticket text is untrusted. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A tagged template whose interpolations are escaped unless they are already `SafeHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = string | number | SafeHtml | readonly SafeHtml[];

export function html(
  strings: TemplateStringsArray,
  ...values: Interpolation[]
): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

function render(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v: SafeHtml) => v.value).join("");
  return escapeHtml(String(value));
}

/** The whole sandbox page: one section per simulated system. */
export function renderPage(sections: readonly string[]): string {
  const body = sections.join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>closeloop sandbox</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d232a; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { border-bottom: 1px solid #d5d9de; padding: 0.4rem 0.6rem; text-align: left; }
th { background: #f1f3f5; }
form { display: inline-flex; gap: 0.3rem; align-items: center; }
.muted { color: #66707a; }
</style>
</head>
<body>
<h1>closeloop sandbox</h1>
<p class="muted">Simulated ITSM systems for the demo and for trying closeloop out.</p>
${body}
</body>
</html>
`;
}
