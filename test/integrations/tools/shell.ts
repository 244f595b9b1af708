// How sh turns one simple command into argv (POSIX "Token Recognition" and "Quote Removal"): blanks
// separate words; backslash escapes, and backslash-newline continues the line; '...' is literal; "..."
// expands $NAME and ${NAME}; `#` at the start of a word begins a comment. Stricter than sh where a CI
// script would go wrong quietly: an unset variable (as with `set -u`), an unquoted expansion whose value
// has blanks, and anything beyond a simple command (pipes, lists, redirections, command substitution) throw.

export function shellWords(command: string, env: Record<string, string | undefined>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const append = (text: string) => (word = (word ?? "") + text);
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const expand = (at: number): [string, number] => {
    const match = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/.exec(command.slice(at));
    const name = match?.[1] ?? match?.[2];
    if (!match || !name) throw new Error(`unsupported expansion at ${at}: ${command.slice(at, at + 12)}`);
    const value = env[name];
    if (value === undefined) throw new Error(`$${name} is not set`);
    return [value, at + match[0].length];
  };

  let i = 0;
  while (i < command.length) {
    const char = command[i] ?? "";
    if (char === "\\") {
      if (command[i + 1] !== "\n") append(command[i + 1] ?? "");
      i += 2;
    } else if (/[ \t\n]/.test(char)) {
      endWord();
      i++;
    } else if (char === "#" && word === undefined) {
      const newline = command.indexOf("\n", i);
      i = newline < 0 ? command.length : newline;
    } else if (char === "'") {
      const close = command.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unterminated ' at ${i}`);
      append(command.slice(i + 1, close));
      i = close + 1;
    } else if (char === '"') {
      append("");
      for (i++; command[i] !== '"'; ) {
        const inner = command[i];
        if (inner === undefined) throw new Error('unterminated "');
        if (inner === "\\" && /["\\$`\n]/.test(command[i + 1] ?? "")) {
          if (command[i + 1] !== "\n") append(command[i + 1] ?? "");
          i += 2;
        } else if (inner === "$") {
          const [value, next] = expand(i);
          append(value);
          i = next;
        } else if (inner === "`") {
          throw new Error(`command substitution at ${i} is not supported`);
        } else {
          append(inner);
          i++;
        }
      }
      i++;
    } else if (char === "$") {
      const [value, next] = expand(i);
      if (/[ \t\n]/.test(value)) throw new Error(`unquoted ${command.slice(i, next)} would split into several words`);
      if (value) append(value);
      i = next;
    } else if (/[|&;<>()`]/.test(char)) {
      throw new Error(`not a simple command: "${char}" at ${i}`);
    } else {
      append(char);
      i++;
    }
  }
  endWord();
  return words;
}
