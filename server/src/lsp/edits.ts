/**
 * Builds WorkspaceEdits against the editor's current document versions, so that an edit
 * computed for an open, unsaved document is refused by the editor if the document changed
 * in between, and one undo reverts it.
 */
import type { CreateFile, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { pathToUri } from './convert';

/** The version of an open document, or null when it is not open (then the disk's text is the base). */
export type VersionOf = (uri: string) => number | null;

export class EditBuilder {
  private readonly creates: CreateFile[] = [];
  private readonly edits = new Map<string, TextEdit[]>();

  constructor(private readonly versionOf: VersionOf) {}

  replace(path: string, range: TextEdit['range'], newText: string): this {
    const uri = pathToUri(path);
    const list = this.edits.get(uri);
    const edit = { range, newText };
    if (list) list.push(edit);
    else this.edits.set(uri, [edit]);
    return this;
  }

  insert(path: string, position: TextEdit['range']['start'], text: string): this {
    return this.replace(path, { start: position, end: position }, text);
  }

  /** Creates a new file with the given text (never overwrites an existing one). */
  create(path: string, text: string): this {
    const uri = pathToUri(path);
    this.creates.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
    return this.replace(path, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text);
  }

  get isEmpty(): boolean {
    return this.edits.size === 0 && this.creates.length === 0;
  }

  build(): WorkspaceEdit {
    const created = new Set(this.creates.map((c) => c.uri));
    const documentChanges: (TextDocumentEdit | CreateFile)[] = [...this.creates];
    for (const [uri, edits] of this.edits) {
      const version = created.has(uri) ? null : this.versionOf(uri);
      documentChanges.push({ textDocument: { uri, version }, edits });
    }
    return { documentChanges };
  }
}
