/**
 * Every command the extension contributes, by id. The ids are public (package.json, tests,
 * keybindings people make): rename one and you break someone's setup.
 */
import { ClientCommands } from '../../server/src/protocol';

export const Commands = {
  newEvent: 'eventFlow.newEvent',
  newHandler: 'eventFlow.newHandler',
  goToHandlers: 'eventFlow.goToHandlers',
  goToPublishers: 'eventFlow.goToPublishers',
  findReferences: 'eventFlow.findReferences',
  renameEvent: 'eventFlow.renameEvent',
  copyEventType: 'eventFlow.copyEventType',
  revealInGraph: 'eventFlow.revealInGraph',
  revealInTree: ClientCommands.revealEvent,
  showLocations: ClientCommands.showLocations,
  showGraph: 'eventFlow.showGraph',
  exportCatalog: 'eventFlow.exportCatalog',
  exportMermaid: 'eventFlow.exportMermaid',
  restartServer: 'eventFlow.restartServer',
  showOutput: 'eventFlow.showOutput',
  refresh: 'eventFlow.refresh',
  filter: 'eventFlow.filter',
  clearFilter: 'eventFlow.clearFilter',
  groupByModule: 'eventFlow.groupByModule',
  groupByEvent: 'eventFlow.groupByEvent',
  groupByEntity: 'eventFlow.groupByEntity',
  createConfig: 'eventFlow.createConfig',
} as const;

/** Context keys the manifest's `when` clauses read. */
export const ContextKeys = {
  /** 'module' | 'event' | 'entity' */
  groupBy: 'eventFlow.groupBy',
  filterActive: 'eventFlow.filterActive',
  /** 'starting' | 'indexing' | 'ready' | 'empty' | 'failed': picks the view's welcome content. */
  state: 'eventFlow.state',
} as const;

export const EVENTS_VIEW_ID = 'eventFlow.events';
