/**
 * The Event Flows view: renders the tree model (treeModel.ts) as TreeItems, owns the
 * grouping and the filter, and reveals an event on request. It rebuilds whenever the graph
 * store changes; ids are stable, so what the user expanded stays expanded.
 */
import * as vscode from 'vscode';
import type { ReportLocation } from '../../server/src/core/report';
import { Commands, ContextKeys, EVENTS_VIEW_ID } from './commandIds';
import { filterPattern, plural, siteCounts, worstSeverity, type EventProblem } from './eventFacts';
import type { GraphStore } from './graphStore';
import { openArguments, reportLocationToVscode } from './locations';
import { buildTreeModel, type EventNode, type GroupBy, type SectionKind, type TreeModel, type TreeNode } from './treeModel';

const GROUP_BY_STATE_KEY = 'eventFlow.groupBy';

const SECTION_LABELS: Record<SectionKind, string> = {
  publishes: 'Publishes',
  handles: 'Handles',
  neverPublished: 'Declared, never published',
  declaredBy: 'Declared by',
  publishedBy: 'Published by',
  handledBy: 'Handled by',
  leadsTo: 'Leads to',
};

const SECTION_ICONS: Partial<Record<SectionKind, string>> = {
  publishes: 'megaphone',
  handles: 'inbox',
  neverPublished: 'circle-slash',
};

type ViewState = 'starting' | 'indexing' | 'ready' | 'empty' | 'failed';

export class EventFlowsView implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private model: TreeModel;
  private groupBy: GroupBy;
  private filter: string | undefined;
  private viewState: ViewState | undefined;
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  readonly onDidChangeTreeData = this.changed.event;
  readonly treeView: vscode.TreeView<TreeNode>;

  constructor(
    private readonly store: GraphStore,
    private readonly workspaceState: vscode.Memento,
  ) {
    this.groupBy = workspaceState.get<GroupBy>(GROUP_BY_STATE_KEY, 'module');
    this.model = this.buildModel();
    this.treeView = vscode.window.createTreeView(EVENTS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(this.treeView, store.onDidChange(() => this.rebuild()));
    this.updateContext();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return renderNode(node, this.filter);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? node.children : this.model.roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  setGroupBy(groupBy: GroupBy): void {
    this.groupBy = groupBy;
    void this.workspaceState.update(GROUP_BY_STATE_KEY, groupBy);
    this.rebuild();
  }

  /** Asks for a filter and applies it as the user types; Escape restores the previous one. */
  promptFilter(): void {
    const previous = this.filter;
    const input = vscode.window.createInputBox();
    input.title = 'Filter Event Flows';
    input.placeholder = 'Event type or class name; * matches anything (user.*, *Created*)';
    input.value = previous ?? '';
    let accepted = false;
    input.onDidChangeValue((value) => this.setFilter(value));
    input.onDidAccept(() => {
      accepted = true;
      input.hide();
    });
    input.onDidHide(() => {
      if (!accepted) this.setFilter(previous);
      input.dispose();
    });
    input.show();
  }

  setFilter(filter: string | undefined): void {
    const text = filter?.trim() || undefined;
    if (text === this.filter) return;
    this.filter = text;
    this.rebuild();
  }

  /** Selects the event in the view; false when the graph has no such event. */
  async reveal(key: string): Promise<boolean> {
    if (!this.store.graph) await this.store.refresh();
    let node = this.model.eventNode(key);
    if (!node && this.filter) {
      this.setFilter(undefined);
      node = this.model.eventNode(key);
    }
    if (!node && this.groupBy === 'module' && this.knowsEvent(key)) {
      // Events only tests publish or handle belong to no module; the flat grouping shows them.
      this.setGroupBy('event');
      node = this.model.eventNode(key);
    }
    if (!node) return false;
    await this.treeView.reveal(node, { select: true, focus: true, expand: true });
    return true;
  }

  private knowsEvent(key: string): boolean {
    return this.store.graph?.folders.some((f) => f.report.events.some((e) => e.key === key)) ?? false;
  }

  private rebuild(): void {
    this.model = this.buildModel();
    this.updateContext();
    this.changed.fire(undefined);
  }

  private buildModel(): TreeModel {
    return buildTreeModel(this.store.graph ?? { folders: [] }, this.groupBy, this.filter);
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, this.groupBy);
    void vscode.commands.executeCommand('setContext', ContextKeys.filterActive, this.filter !== undefined);
    this.treeView.description = this.filter ? `Filter: ${this.filter}` : undefined;
    // The description is cut off in a narrow side bar; the message above the tree is not.
    this.treeView.message = this.filter ? `Showing the events that match "${this.filter}".` : undefined;
    const state = this.computeViewState();
    if (state !== this.viewState) {
      this.viewState = state;
      void vscode.commands.executeCommand('setContext', ContextKeys.state, state);
    }
  }

  private computeViewState(): ViewState {
    const server = this.store.serverState;
    if (server === 'stopped') return 'failed';
    if (server === 'starting' || !this.store.graph) return 'starting';
    if (this.model.totalEvents > 0) return 'ready';
    return this.store.indexing ? 'indexing' : 'empty';
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function renderNode(node: TreeNode, filter: string | undefined): vscode.TreeItem {
  const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
  const none = vscode.TreeItemCollapsibleState.None;
  let item: vscode.TreeItem;
  switch (node.kind) {
    case 'folder':
      item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('root-folder');
      item.accessibilityInformation = { label: `Workspace folder ${node.name}` };
      item.contextValue = 'folder';
      break;
    case 'module':
      item = new vscode.TreeItem(node.module, collapsed);
      item.iconPath = new vscode.ThemeIcon('package');
      item.description = [node.publishes ? `publishes ${node.publishes}` : '', node.handles ? `handles ${node.handles}` : ''].filter(Boolean).join(' · ');
      item.tooltip = `Module ${node.module}: publishes ${plural(node.publishes, 'event')}, handles ${plural(node.handles, 'event')}`;
      item.accessibilityInformation = { label: item.tooltip };
      item.contextValue = 'module';
      break;
    case 'entity':
      item = new vscode.TreeItem(`${node.entity}.*`, collapsed);
      item.iconPath = new vscode.ThemeIcon('symbol-namespace');
      item.description = plural(node.children.length, 'event');
      item.accessibilityInformation = { label: `Entity ${node.entity}, ${plural(node.children.length, 'event')}` };
      item.contextValue = 'entity';
      break;
    case 'section':
      item = renderSection(node.section, node.children.length);
      break;
    case 'event':
      item = renderEvent(node, filter);
      break;
    case 'declaration': {
      const location = reportLocationToVscode(node.folderUri, node.site);
      item = new vscode.TreeItem(node.site.name, none);
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.description = withModule(node.site, fileAndLine(node.site));
      item.tooltip = siteTooltip(`Event class ${node.site.name}`, node.site);
      item.command = { title: 'Open', command: 'vscode.open', arguments: openArguments(location) };
      item.accessibilityInformation = { label: `Declared by class ${node.site.name} in ${fileAndLine(node.site)}` };
      item.contextValue = 'location';
      break;
    }
    case 'publisher': {
      const location = reportLocationToVscode(node.folderUri, node.site);
      item = new vscode.TreeItem(fileAndLine(node.site), none);
      item.iconPath = new vscode.ThemeIcon(node.site.isTest ? 'beaker' : 'megaphone');
      item.description = withModule(node.site, node.site.isTest ? 'test' : undefined);
      item.tooltip = siteTooltip('Publishes', node.site, node.site.text);
      item.command = { title: 'Open', command: 'vscode.open', arguments: openArguments(location) };
      item.accessibilityInformation = { label: `Published ${node.site.isTest ? 'by a test ' : ''}in ${fileAndLine(node.site)}${node.site.module ? `, module ${node.site.module}` : ''}` };
      item.contextValue = 'location';
      break;
    }
    case 'handler': {
      const location = reportLocationToVscode(node.folderUri, node.site);
      item = new vscode.TreeItem(node.site.name, none);
      item.iconPath = new vscode.ThemeIcon(node.site.isTest ? 'beaker' : 'symbol-method');
      item.description = withModule(node.site, [node.site.async ? 'async' : '', node.site.isTest ? 'test' : ''].filter(Boolean).join(' · ') || undefined);
      item.tooltip = siteTooltip(`Handler ${node.site.name} (${node.site.via === 'decorator' ? 'decorator' : 'registration'}${node.site.async ? ', async' : ''})`, node.site);
      item.command = { title: 'Open', command: 'vscode.open', arguments: openArguments(location) };
      item.accessibilityInformation = { label: `Handled by ${node.site.name}${node.site.module ? ` in module ${node.site.module}` : ''}${node.site.isTest ? ', a test' : ''}` };
      item.contextValue = 'location';
      break;
    }
    case 'flow':
      item = new vscode.TreeItem(node.to, none);
      item.iconPath = node.inCycle ? new vscode.ThemeIcon('sync', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('arrow-right');
      item.description = `via ${node.via.join(', ')}`;
      item.tooltip = new vscode.MarkdownString()
        .appendText(`Handling leads to ${node.to}: ${node.via.join(', ')} publish${node.via.length === 1 ? 'es' : ''} it.`)
        .appendMarkdown(node.inCycle ? '\n\n$(sync) These events form a cycle.' : '');
      (item.tooltip as vscode.MarkdownString).supportThemeIcons = true;
      item.command = { title: 'Reveal in Event Flows', command: Commands.revealInTree, arguments: [node.to] };
      item.accessibilityInformation = { label: `Leads to ${node.to} via ${node.via.join(', ')}${node.inCycle ? ', part of a cycle' : ''}` };
      item.contextValue = 'event';
      break;
  }
  item.id = node.id;
  return item;
}

function renderSection(section: SectionKind, count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(SECTION_LABELS[section], count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  const icon = SECTION_ICONS[section];
  if (icon) item.iconPath = new vscode.ThemeIcon(icon);
  item.description = count > 0 ? String(count) : 'none';
  item.accessibilityInformation = { label: `${SECTION_LABELS[section]}: ${count > 0 ? count : 'none'}` };
  item.contextValue = 'section';
  return item;
}

function renderEvent(node: EventNode, filter: string | undefined): vscode.TreeItem {
  const { event, problems } = node;
  const item = new vscode.TreeItem({ label: event.key, highlights: filterHighlights(event.key, filter) }, vscode.TreeItemCollapsibleState.Collapsed);
  const worst = worstSeverity(problems);
  if (worst === 'error') item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  else if (worst) item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  else item.iconPath = new vscode.ThemeIcon('symbol-event');
  item.description = siteCounts(event);
  item.tooltip = eventTooltip(node);
  item.contextValue = 'event';
  const problemText = problems.length ? `, ${plural(problems.length, 'problem')}: ${problems.map((p) => p.message).join('; ')}` : '';
  item.accessibilityInformation = { label: `Event ${event.key}, ${siteCounts(event)}${node.inCycle ? ', part of a cycle' : ''}${problemText}` };
  return item;
}

function eventTooltip(node: EventNode): vscode.MarkdownString {
  const { event, problems } = node;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown('$(symbol-event) **').appendText(event.key).appendMarkdown('**\n\n');
  for (const d of event.declarations) md.appendText(`${d.name} · ${d.file}:${d.line}`).appendMarkdown('\n\n');
  if (event.declarations.length === 0) md.appendMarkdown('_No event class declares this type._\n\n');
  md.appendText(siteCounts(event));
  const tests = event.publishers.filter((p) => p.isTest).length + event.handlers.filter((h) => h.isTest).length;
  if (tests > 0) md.appendText(` (and ${plural(tests, 'site')} in tests)`);
  if (node.inCycle) md.appendMarkdown('\n\n$(sync) Part of a cycle: its handlers lead back to it.');
  for (const p of problems) md.appendMarkdown(`\n\n${problemIcon(p)} `).appendText(p.message).appendMarkdown(` \`${p.code}\``);
  return md;
}

function problemIcon(problem: EventProblem): string {
  return problem.severity === 'error' ? '$(error)' : problem.severity === 'warning' ? '$(warning)' : '$(info)';
}

function siteTooltip(title: string, site: ReportLocation, code?: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendText(title).appendMarkdown('\n\n').appendText(`${site.file}:${site.line}:${site.column}`);
  if (site.module) md.appendText(` · module ${site.module}`);
  if (code) md.appendMarkdown('\n\n').appendCodeblock(code, site.file.endsWith('.py') ? 'python' : 'typescript');
  return md;
}

function fileAndLine(site: ReportLocation): string {
  return `${site.file.slice(site.file.lastIndexOf('/') + 1)}:${site.line}`;
}

function withModule(site: ReportLocation, detail: string | undefined): string {
  return [site.module, detail].filter(Boolean).join(' · ');
}

/** The range of the label the filter matched, for the tree's highlight. */
function filterHighlights(label: string, filter: string | undefined): [number, number][] {
  const found = filterPattern(filter)?.exec(label);
  return found && found[0].length > 0 ? [[found.index, found.index + found[0].length]] : [];
}
