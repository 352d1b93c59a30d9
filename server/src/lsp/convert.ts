/**
 * The one place where LSP's URIs and line/character positions meet the core's paths and
 * UTF-16 offsets.
 */
import { URI } from 'vscode-uri';
import type { Diagnostic, DiagnosticRelatedInformation, Location, Position, Range } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Span } from '../core/facts';
import type { CoreDiagnostic } from '../core/rules';
import { offsetAt, positionAt, slash } from '../core/text';
import type { WorkspaceIndex } from '../core/workspace';

export function uriToPath(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? slash(u.fsPath) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return URI.file(path).toString();
}

export class Converter {
  constructor(private readonly index: WorkspaceIndex) {}

  position(path: string, offset: number): Position {
    return positionAt(this.index.lineStartsOf(path) ?? [0], offset);
  }

  range(path: string, span: Span): Range {
    const starts = this.index.lineStartsOf(path) ?? [0];
    return { start: positionAt(starts, span.start), end: positionAt(starts, span.end) };
  }

  location(path: string, span: Span): Location {
    return { uri: pathToUri(path), range: this.range(path, span) };
  }

  offset(path: string, position: Position): number | undefined {
    const starts = this.index.lineStartsOf(path);
    if (!starts) return undefined;
    return offsetAt(starts, position.line, position.character, Number.MAX_SAFE_INTEGER);
  }

  diagnostic(d: CoreDiagnostic): Diagnostic {
    const out: Diagnostic = {
      range: this.range(d.file, d.span),
      severity: SEVERITY[d.severity],
      code: d.code,
      source: 'event-flow',
      message: d.message,
    };
    if (d.related?.length) {
      out.relatedInformation = d.related.map((r): DiagnosticRelatedInformation => ({ location: this.location(r.file, r.span), message: r.message }));
    }
    if (d.data) out.data = d.data;
    return out;
  }
}

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
} as const;
