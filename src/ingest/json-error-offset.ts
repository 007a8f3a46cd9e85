/**
 * Where a JSON text stops being valid, as a character index. V8's `JSON.parse` errors do not
 * always say (and quote the text around it, which may be a secret), so a failed element is walked
 * again by this small validator. It runs only on the error path.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;

  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw new Stop();
  };
  const expect = (word: string) => {
    for (const c of word) {
      if (text[i] !== c) fail();
      i++;
    }
  };

  function value(): void {
    space();
    const c = text[i];
    if (c === "{") return object();
    if (c === "[") return array();
    if (c === '"') return string();
    if (c === "t") return expect("true");
    if (c === "f") return expect("false");
    if (c === "n") return expect("null");
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(
      text.slice(i, i + 400),
    );
    if (!number) fail();
    i += (number as RegExpExecArray)[0].length;
  }

  function string(): void {
    i++;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') return void i++;
      if (c < " ") fail();
      if (c === "\\") {
        const e = text[i + 1] ?? "";
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
          i += 6;
        else if ('"\\/bfnrt'.includes(e) && e !== "") i += 2;
        else {
          i++;
          fail();
        }
      } else i++;
    }
    fail();
  }

  function object(): void {
    i++;
    space();
    if (text[i] === "}") return void i++;
    for (;;) {
      space();
      if (text[i] !== '"') fail();
      string();
      space();
      expect(":");
      value();
      space();
      if (text[i] === "}") return void i++;
      expect(",");
    }
  }

  function array(): void {
    i++;
    space();
    if (text[i] === "]") return void i++;
    for (;;) {
      value();
      space();
      if (text[i] === "]") return void i++;
      expect(",");
    }
  }

  try {
    value();
    space();
    if (i < text.length) fail();
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  return Math.min(i, text.length);
}

class Stop extends Error {}
