import { SaxesParser } from 'saxes';

// The npm-tokenizer alternative, for the tokenizer decision in docs/cwmp-codec.md: saxes building
// the same kind of minimal tree the codec's own tokenizer builds (names, attributes, children, text).

interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

export function saxesTree(xml: string): Node {
  const parser = new SaxesParser();
  const root: Node = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: Node[] = [root];
  parser.on('opentag', (tag) => {
    const node: Node = { name: tag.name, attrs: tag.attributes, children: [], text: '' };
    (stack[stack.length - 1] as Node).children.push(node);
    stack.push(node);
  });
  parser.on('text', (t) => {
    (stack[stack.length - 1] as Node).text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('doctype', () => {
    throw new Error('DOCTYPE refused');
  });
  parser.write(xml).close();
  return root;
}
