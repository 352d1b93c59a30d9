/**
 * Event Flow's own LSP messages, declared once and imported by the server and the client
 * (the vscode-eslint habit). Everything here is plain data: positions are LSP positions
 * (0-based, UTF-16), files are URIs.
 */
import { NotificationType, RequestType, RequestType0, type Location, type Position, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { Report } from './core/report';

/** The whole graph of every workspace folder: the CLI's JSON report (1-based lines, root-relative files) plus the folder's URI. */
export interface FolderGraph {
  /** The folder's URI; a report's `file` is relative to it. */
  folderUri: string;
  report: Report;
}

export interface GraphResult {
  folders: FolderGraph[];
}

export namespace GraphRequest {
  export const method = 'eventFlow/graph';
  export const type = new RequestType<{ folderUri?: string }, GraphResult, void>(method);
}

export interface FolderStatus {
  folderUri: string;
  indexing: boolean;
  filesScanned: number;
  filesParsed: number;
  events: number;
  problems: number;
  unresolved: number;
  durationMs: number;
  configFile?: string;
}

export interface StatusResult {
  indexing: boolean;
  folders: FolderStatus[];
}

export namespace StatusRequest {
  export const method = 'eventFlow/status';
  export const type = new RequestType0<StatusResult, void>(method);
}

/** Sent whenever events, publishers, handlers or flows change (and when indexing starts or ends). */
export interface GraphChangedParams {
  folderUris: string[];
  indexing: boolean;
}

export namespace GraphChangedNotification {
  export const method = 'eventFlow/graphChanged';
  export const type = new NotificationType<GraphChangedParams>(method);
}

/** The event key at a position (for "Reveal in Event Flows"); null when there is none. */
export namespace KeyAtRequest {
  export const method = 'eventFlow/keyAt';
  export const type = new RequestType<{ uri: string; position: Position }, { key: string } | null, void>(method);
}

/** Locations of an event's handlers, publishers or declarations (for the Go to commands and lenses). */
export type LocationKind = 'handlers' | 'publishers' | 'declarations' | 'references';

export namespace LocationsRequest {
  export const method = 'eventFlow/locations';
  export const type = new RequestType<{ key: string; kind: LocationKind }, Location[], void>(method);
}

/** Modules of a folder (for pickers). */
export namespace ModulesRequest {
  export const method = 'eventFlow/modules';
  export const type = new RequestType<{ folderUri?: string }, { folderUri: string; modules: string[] }[], void>(method);
}

/** Code generation: the server computes a WorkspaceEdit; the client applies it through the editor. */
export interface NewEventParams {
  folderUri?: string;
  module: string;
  /** The full key, e.g. `invoice.paid`. */
  key: string;
}

export interface NewHandlerParams {
  key: string;
  module: string;
  folderUri?: string;
}

export interface GeneratedEdit {
  edit: WorkspaceEdit;
  /** Where to put the cursor after applying (the new class or method). */
  reveal?: Location;
  /** A human-readable summary ("Created UserArchivedEvent in users/domain/events.ts"). */
  summary: string;
}

export namespace NewEventRequest {
  export const method = 'eventFlow/newEvent';
  export const type = new RequestType<NewEventParams, GeneratedEdit, void>(method);
}

export namespace NewHandlerRequest {
  export const method = 'eventFlow/newHandler';
  export const type = new RequestType<NewHandlerParams, GeneratedEdit, void>(method);
}

/** Renames an event type everywhere (the tree's "Rename Event…"): the same edit as a rename at a key string. */
export namespace RenameEventRequest {
  export const method = 'eventFlow/renameEvent';
  export const type = new RequestType<{ key: string; newKey: string; folderUri?: string }, WorkspaceEdit, void>(method);
}

/** Re-indexes every folder from scratch (the view's "Refresh"). */
export namespace ReindexRequest {
  export const method = 'eventFlow/reindex';
  export const type = new RequestType0<void, void>(method);
}

/** Checks a key against the naming convention (for input validation as the user types). */
export namespace ValidateKeyRequest {
  export const method = 'eventFlow/validateKey';
  export const type = new RequestType<{ key: string; folderUri?: string }, { ok: boolean; message?: string; suggestion?: string; exists: boolean }, void>(method);
}

/** A Markdown catalog of every event (key, fields, publishers, handlers, module). */
export namespace CatalogRequest {
  export const method = 'eventFlow/catalog';
  export const type = new RequestType<{ folderUri?: string }, { markdown: string }, void>(method);
}

/** The graph as Mermaid, for "Export as Mermaid". */
export namespace MermaidRequest {
  export const method = 'eventFlow/mermaid';
  export const type = new RequestType<{ folderUri?: string }, { markdown: string }, void>(method);
}

/** Client-side commands the server's lenses and hovers invoke. */
export const ClientCommands = {
  /** Arguments: uri, position, locations (vscode.Location-shaped JSON). Shows a peek view. */
  showLocations: 'eventFlow.showLocations',
  /** Arguments: key. Reveals the event in the Event Flows view. */
  revealEvent: 'eventFlow.revealInTree',
} as const;
