/**
 * The TypeScript extractor: one file's text → its facts. Pure, synchronous, never throws on
 * bad input: a file with syntax errors yields the facts of what parsed. Uses only the parser
 * (`createSourceFile`), never a type checker.
 */
import ts from 'typescript';
import { mentionsUse } from './triggers';
import type { Conventions, HandlerCallConvention, HandlerDecoratorConvention, PublishConvention } from '../conventions';
import {
  emptyFacts,
  type ClassDecl,
  type FieldDecl,
  type FileFacts,
  type FunctionDecl,
  type HandlerSite,
  type KeyExpr,
  type EventClassUse,
  type KeyUse,
  type PublishSite,
  type PublishTarget,
  type Span,
} from '../facts';

/** Deeper than this, the walk stops descending (generated code; no event code is that deep). */
const MAX_DEPTH = 400;
/** A key is never built from more parts than this. */
const MAX_KEY_PARTS = 64;

interface Scope {
  /** Local variable or parameter name → the event class path it holds, or null when unknown. */
  vars: Map<string, string[] | null>;
  /** The names in `vars` that are parameters (a key held by one comes from the caller). */
  params?: Set<string>;
  /** Local `const`s holding a key expression (`const key = 'order.created'`). */
  consts?: Map<string, KeyExpr>;
  /** The file's top level: its names are resolved through the import graph, not here. */
  module?: true;
  parent?: Scope;
}

/** A receiver that a publish method convention accepts; a condition on it is checked with the whole workspace. */
interface ReceiverMatch {
  ifExtends?: { classPath: string[]; bases: string[] };
}

export function extractTypeScript(path: string, text: string, conventions: Conventions): FileFacts {
  const facts = emptyFacts(path, 'typescript');
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  let sf: ts.SourceFile;
  try {
    sf = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, kind);
  } catch (e) {
    // The parser recurses; pathological nesting can exhaust the stack. Report, never crash.
    facts.syntaxErrors = 1;
    facts.parseFailure = e instanceof RangeError ? 'nesting too deep to parse' : String(e);
    return facts;
  }
  facts.syntaxErrors = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length ?? 0;
  new Extractor(sf, conventions, facts).run();
  return facts;
}

class Extractor {
  /** Local name → imported name, for names imported from other files (aliases resolved). */
  private readonly importedAs = new Map<string, string>();
  /** Namespace imports: local name → true. */
  private readonly namespaces = new Set<string>();
  private readonly decoratorNames: Map<string, HandlerDecoratorConvention>;
  private readonly classDecorators: Map<string, HandlerDecoratorConvention>;
  private readonly registrationNames: Map<string, { keyArg: number; handlerArg: number }>;
  private readonly publishFunctions: Map<string, { argument: number; argumentIs: 'event' | 'key' | 'events' }>;
  private readonly publishMethods: Set<string>;
  /** `kind: 'method'` publish conventions by method name. */
  private readonly receiverPublishes = new Map<string, PublishConvention[]>();
  private readonly decoratorPublishes: Map<string, PublishConvention>;
  private readonly handlerCalls: Map<string, HandlerCallConvention>;
  /** Names of the event system's own functions: calls inside them forward, they do not publish or register. */
  private readonly conventionNames: Set<string>;
  /** `Type.method` of wrapper methods (`EventsService.emitAsync`): their bodies forward, they do not publish. */
  private readonly conventionIds = new Set<string>();
  /** The `@Saga()`-style member being walked, whose `ofType(...)` calls name the events it handles. */
  private handlerCallContext: { within: string; name: string; className?: string; nameSpan: Span; functionId: string } | undefined;
  private readonly functionsById = new Map<string, FunctionDecl>();
  private readonly eventClassUses: EventClassUse[] = [];
  /** Class name → property name → declared class path, for `this.x.publish()`. */
  private readonly classProps = new Map<string, Map<string, string[]>>();

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly conventions: Conventions,
    private readonly facts: FileFacts,
  ) {
    this.decoratorNames = new Map(conventions.handlerDecorators.filter((d) => d.target !== 'class').map((d) => [d.name, d]));
    this.classDecorators = new Map(conventions.handlerDecorators.filter((d) => d.target === 'class').map((d) => [d.name, d]));
    this.registrationNames = new Map(conventions.registrations.map((r) => [r.name, { keyArg: r.keyArg, handlerArg: r.handlerArg }]));
    this.publishFunctions = new Map(
      conventions.publishes.filter((p) => p.kind === 'function').map((p) => [p.name, { argument: p.argument ?? 0, argumentIs: p.argumentIs ?? 'event' }]),
    );
    this.publishMethods = new Set(conventions.publishes.filter((p) => p.kind === 'instance').map((p) => p.name));
    for (const p of conventions.publishes) {
      if (p.kind !== 'method') continue;
      const list = this.receiverPublishes.get(p.name);
      if (list) list.push(p);
      else this.receiverPublishes.set(p.name, [p]);
      for (const t of p.receiverTypes ?? []) this.conventionIds.add(`${t}.${p.name}`);
    }
    this.decoratorPublishes = new Map(conventions.publishes.filter((p) => p.kind === 'decorator').map((p) => [p.name, p]));
    this.handlerCalls = new Map(conventions.handlerCalls.map((h) => [h.name, h]));
    this.conventionNames = new Set([
      ...this.decoratorNames.keys(),
      ...this.classDecorators.keys(),
      ...[...this.registrationNames.keys()].map((n) => n.slice(n.lastIndexOf('.') + 1)),
      ...this.publishFunctions.keys(),
      ...this.decoratorPublishes.keys(),
    ]);
  }

  run(): void {
    for (const stmt of this.sf.statements) this.topLevel(stmt);
    // A file that names nothing that registers, handles or publishes, and whose every `class`
    // is a top-level one already recorded, has nothing more to find: its declarations are all
    // there is (most files parsed only because a class extends something). Skipping the walk
    // halves the cost of such a file.
    if (!mentionsUse(this.sf.text, this.conventions) && countWord(this.sf.text, 'class') <= this.facts.classes.length) return;
    // Top-level variables are known before the walk reaches them (a function above may use them).
    const moduleScope: Scope = { vars: new Map(), module: true };
    for (const stmt of this.sf.statements) {
      if (!ts.isVariableStatement(stmt)) continue;
      for (const decl of stmt.declarationList.declarations) if (ts.isIdentifier(decl.name)) moduleScope.vars.set(decl.name.text, this.declaredClassOf(decl));
    }
    this.walk(this.sf, this.sf, moduleScope, undefined, undefined, false, 0);
    if (this.eventClassUses.length) this.facts.eventClassUses = this.eventClassUses;
    // Keep only calls to functions that exist in this file.
    for (const fn of this.facts.functions) fn.calls = [...new Set(fn.calls)].filter((id) => this.functionsById.has(id) && id !== fn.id);
  }

  // ── Declarations: imports, exports, classes, values ──────────────────────────────────

  private topLevel(stmt: ts.Statement): void {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const bindings: { local: string; imported: string }[] = [];
      const clause = stmt.importClause;
      if (clause?.name) bindings.push({ local: clause.name.text, imported: 'default' });
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        bindings.push({ local: nb.name.text, imported: '*' });
        this.namespaces.add(nb.name.text);
      } else if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) bindings.push({ local: el.name.text, imported: (el.propertyName ?? el.name).getText(this.sf) });
      }
      for (const b of bindings) if (b.imported !== '*') this.importedAs.set(b.local, b.imported);
      this.facts.imports.push({ specifier: stmt.moduleSpecifier.text, bindings, span: this.span(stmt) });
      return;
    }
    if (ts.isExportDeclaration(stmt)) {
      const spec = stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier) ? stmt.moduleSpecifier.text : undefined;
      if (!stmt.exportClause) {
        if (spec) this.facts.exports.push({ kind: 'star', specifier: spec });
      } else if (ts.isNamespaceExport(stmt.exportClause)) {
        if (spec) this.facts.exports.push({ kind: 'from', exported: stmt.exportClause.name.text, imported: '*', specifier: spec });
      } else {
        for (const el of stmt.exportClause.elements) {
          const local = (el.propertyName ?? el.name).getText(this.sf);
          if (spec) this.facts.exports.push({ kind: 'from', exported: el.name.text, imported: local, specifier: spec });
          else this.facts.exports.push({ kind: 'local', exported: el.name.text, local });
        }
      }
      return;
    }
    if (ts.isExportAssignment(stmt) && ts.isIdentifier(stmt.expression)) {
      this.facts.exports.push({ kind: 'local', exported: 'default', local: stmt.expression.text });
      return;
    }
    const exported = hasModifier(stmt, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(stmt, ts.SyntaxKind.DefaultKeyword);
    if (ts.isClassDeclaration(stmt)) {
      this.classDecl(stmt, exported);
      if (exported && stmt.name) this.facts.exports.push({ kind: 'local', exported: isDefault ? 'default' : stmt.name.text, local: stmt.name.text });
    } else if (ts.isVariableStatement(stmt)) {
      const isConst = (stmt.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const decl of stmt.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name)) continue;
        if (exported) this.facts.exports.push({ kind: 'local', exported: decl.name.text, local: decl.name.text });
        if (isConst && decl.initializer) this.valueDecl([decl.name.text], decl.initializer, 0);
      }
    } else if (ts.isEnumDeclaration(stmt)) {
      if (exported) this.facts.exports.push({ kind: 'local', exported: stmt.name.text, local: stmt.name.text });
      for (const m of stmt.members) {
        const name = propertyNameText(m.name);
        if (name !== undefined && m.initializer) this.valueDecl([stmt.name.text, name], m.initializer, 0);
      }
    } else if (ts.isFunctionDeclaration(stmt) && stmt.name && exported) {
      this.facts.exports.push({ kind: 'local', exported: isDefault ? 'default' : stmt.name.text, local: stmt.name.text });
    } else if (ts.isModuleDeclaration(stmt) || ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)) {
      if (exported && ts.isIdentifier(stmt.name)) this.facts.exports.push({ kind: 'local', exported: stmt.name.text, local: stmt.name.text });
    }
  }

  /**
   * Records `const X = 'k'`, `const X = Y.z`, and every leaf of a const object literal (spreads
   * and shorthand members included). `recordUse` marks literals as places a key is written.
   */
  private valueDecl(path: string[], init: ts.Expression, depth: number, recordUse = true): void {
    let expr = unwrap(init);
    // `Object.freeze({ ... })`: the object itself.
    if (ts.isCallExpression(expr) && expr.arguments.length === 1 && entityPath(expr.expression)?.join('.') === 'Object.freeze') expr = unwrap(expr.arguments[0]);
    if (ts.isObjectLiteralExpression(expr)) {
      if (depth > 12) return;
      for (const prop of expr.properties) {
        if (ts.isPropertyAssignment(prop)) {
          const name = propertyNameText(prop.name);
          if (name !== undefined) this.valueDecl([...path, name], prop.initializer, depth + 1, recordUse);
        } else if (ts.isShorthandPropertyAssignment(prop)) {
          this.facts.values.push({ path: [...path, prop.name.text], value: { kind: 'ref', path: [prop.name.text], span: this.span(prop.name) }, span: this.span(prop) });
        } else if (ts.isSpreadAssignment(prop)) {
          const from = entityPath(unwrap(prop.expression));
          if (from) this.facts.values.push({ path, value: { kind: 'ref', path: from, span: this.span(prop.expression) }, span: this.span(prop), spread: true });
        }
      }
      return;
    }
    const key = this.keyExpr(expr);
    if (!mayBeConstant(key)) return;
    this.facts.values.push({ path, value: key, span: this.span(init) });
    if (key.kind === 'literal' && recordUse) this.keyUse(key, 'constant');
  }

  private classDecl(node: ts.ClassLikeDeclaration, exported: boolean): void {
    if (!node.name) return;
    const className = node.name.text;
    const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
    const base = heritage?.types[0]?.expression;
    const extendsPath = base ? entityPath(base) ?? [] : [];
    const implemented = node.heritageClauses
      ?.filter((h) => h.token === ts.SyntaxKind.ImplementsKeyword)
      .flatMap((h) => h.types.map((t) => entityPath(t.expression)).filter((p): p is string[] => !!p));
    const fields: FieldDecl[] = [];
    let eventType: KeyExpr | undefined;
    const props = new Map<string, string[]>();
    for (const member of node.members) {
      if (ts.isPropertyDeclaration(member)) {
        const name = propertyNameText(member.name);
        if (name === undefined) continue;
        const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword);
        if (!isStatic) this.instanceValue(className, name, member);
        if (!isStatic && this.conventions.eventTypeProperties.includes(name)) {
          eventType = this.eventTypeOf(member) ?? eventType;
          continue;
        }
        if (isStatic && member.initializer && hasModifier(member, ts.SyntaxKind.ReadonlyKeyword)) {
          this.valueDecl([className, name], member.initializer, 0);
        }
        if (!isStatic) {
          fields.push({ name, type: member.type ? member.type.getText(this.sf) : inferType(member.initializer), optional: !!member.questionToken });
          const typePath = typeRefPath(member.type) ?? constructedClass(member.initializer);
          if (typePath) props.set(name, typePath);
        }
      } else if (ts.isConstructorDeclaration(member)) {
        for (const p of member.parameters) {
          if (ts.isIdentifier(p.name) && p.modifiers?.some(isParamPropModifier)) {
            fields.push({ name: p.name.text, type: p.type ? p.type.getText(this.sf) : 'unknown', optional: !!p.questionToken || !!p.initializer });
            const typePath = typeRefPath(p.type);
            if (typePath) props.set(p.name.text, typePath);
          }
        }
        if (!eventType && this.conventions.superKeyArgument && member.body) {
          for (const stmt of member.body.statements) {
            if (ts.isExpressionStatement(stmt) && ts.isCallExpression(stmt.expression) && stmt.expression.expression.kind === ts.SyntaxKind.SuperKeyword) {
              const arg = stmt.expression.arguments[0];
              if (arg) {
                const k = this.keyExpr(unwrap(arg));
                if (k.kind === 'literal' || k.kind === 'ref') eventType = k;
              }
            }
          }
        }
      } else if ((ts.isMethodDeclaration(member) || ts.isGetAccessor(member)) && member.body) {
        // `static getName() { return 'x.y'; }`, `get eventName() { return 'x.y'; }`: a constant behind a call.
        const name = propertyNameText(member.name);
        const stmts = member.body.statements;
        if (name === undefined || stmts.length !== 1 || !ts.isReturnStatement(stmts[0]) || !stmts[0].expression) continue;
        const member_ = ts.isMethodDeclaration(member) ? (member.parameters.length ? undefined : `${name}()`) : name;
        if (member_ === undefined) continue;
        const returned = unwrap(stmts[0].expression);
        if (isThisPath(returned)) continue;
        const k = this.keyExpr(returned);
        if (!mayBeConstant(k)) continue;
        const path = hasModifier(member, ts.SyntaxKind.StaticKeyword) ? [className, member_] : [className, 'prototype', member_];
        this.facts.values.push({ path, value: k, span: this.span(stmts[0].expression) });
      }
    }
    if (eventType?.kind === 'literal') this.keyUse(eventType, 'declaration');
    this.classProps.set(className, props);
    const decl: ClassDecl = { name: className, nameSpan: this.span(node.name), span: this.span(node), extends: extendsPath, fields, exported };
    if (eventType) decl.eventType = eventType;
    if (implemented?.length) decl.implements = implemented;
    if (hasModifier(node, ts.SyntaxKind.AbstractKeyword)) decl.abstract = true;
    this.facts.classes.push(decl);
  }

  /** An instance property holding a constant (`readonly eventName = 'x.y'`), readable off a typed instance. */
  private instanceValue(className: string, name: string, member: ts.PropertyDeclaration): void {
    if (member.initializer) {
      const init = unwrap(member.initializer);
      if (ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init) || (entityPath(init) && !isThisPath(init))) {
        const k = this.keyExpr(init);
        if (k.kind !== 'dynamic') this.facts.values.push({ path: [className, 'prototype', name], value: k, span: this.span(member.initializer) });
      }
    } else if (member.type && ts.isLiteralTypeNode(member.type) && ts.isStringLiteral(member.type.literal)) {
      this.facts.values.push({ path: [className, 'prototype', name], value: this.literal(member.type.literal), span: this.span(member.type) });
    }
  }

  private eventTypeOf(member: ts.PropertyDeclaration): KeyExpr | undefined {
    if (member.initializer) {
      const k = this.keyExpr(unwrap(member.initializer));
      if (k.kind !== 'dynamic') return k;
    }
    if (member.type && ts.isLiteralTypeNode(member.type) && ts.isStringLiteral(member.type.literal)) {
      return this.literal(member.type.literal);
    }
    return undefined;
  }

  // ── The walk: functions, handlers, registrations, publishes ─────────────────────────

  private walk(node: ts.Node, parent: ts.Node, scope: Scope, fnId: string | undefined, className: string | undefined, inEventSystem: boolean, depth: number): void {
    if (depth > MAX_DEPTH) return;
    // Types, interfaces and imports hold no calls or classes to find: not descending into them
    // saves a good part of the walk (annotations are read where they are used, not walked).
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isImportDeclaration(node)) return;
    let innerScope = scope;
    let innerFn = fnId;
    let innerClass = className;
    let innerEventSystem = inEventSystem;
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      innerClass = node.name?.text ?? className;
      // Top-level classes were recorded with the file's declarations; nested ones are recorded here.
      if (parent !== this.sf && node.name) this.classDecl(node, false);
      if (node.name && this.classDecorators.size) this.classHandlers(node, node.name.text);
    }
    const outerContext = this.handlerCallContext;
    if ((ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node)) && this.handlerCalls.size && className) this.enterHandlerCallMember(node, className);
    if (isFunctionLike(node)) {
      innerFn = this.declareFunction(node, parent, className);
      const plainId = innerFn.replace(/@\d+$/, '');
      if (this.conventionNames.has(plainId.split('.').pop()!) || this.conventionIds.has(plainId)) innerEventSystem = true;
      innerScope = { vars: new Map(), params: new Set(), consts: new Map(), parent: scope };
      for (const p of node.parameters) {
        if (ts.isIdentifier(p.name)) {
          innerScope.vars.set(p.name.text, typeRefPath(p.type) ?? null);
          innerScope.params!.add(p.name.text);
        }
      }
      if (ts.isMethodDeclaration(node) && node.modifiers) this.methodHandlers(node, className, innerFn, inEventSystem);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      scope.vars.set(node.name.text, this.declaredClassOf(node));
      if (!scope.module && node.initializer && ts.isVariableDeclarationList(parent) && (parent.flags & ts.NodeFlags.Const) !== 0) {
        // Only what can be a key is looked at: most locals hold objects, calls and promises.
        const init = unwrap(node.initializer);
        if (ts.isStringLiteralLike(init) || ts.isTemplateExpression(init) || ts.isIdentifier(init) || ts.isPropertyAccessExpression(init) || ts.isBinaryExpression(init)) {
          const k = this.keyExpr(init, scope, className);
          if (mayBeConstant(k)) scope.consts?.set(node.name.text, k);
        }
      }
    } else if (ts.isCallExpression(node)) {
      this.call(node, scope, fnId, className, inEventSystem);
    }
    ts.forEachChild(node, (child) => this.walk(child, node, innerScope, innerFn, innerClass, innerEventSystem, depth + 1));
    this.handlerCallContext = outerContext;
  }

  /** Inside a member decorated like a saga (`@Saga()`), `ofType(...)` calls name the events it handles. */
  private enterHandlerCallMember(node: ts.PropertyDeclaration | ts.MethodDeclaration, className: string): void {
    for (const mod of node.modifiers ?? []) {
      if (!ts.isDecorator(mod)) continue;
      const callee = ts.isCallExpression(mod.expression) ? mod.expression.expression : mod.expression;
      const name = this.calleeName(callee) ?? (ts.isIdentifier(callee) ? callee.text : undefined);
      if (name === undefined) continue;
      const within = [...this.handlerCalls.values()].find((h) => h.within === name);
      if (!within) continue;
      const member = propertyNameText(node.name) ?? '<computed>';
      this.handlerCallContext = { within: name, name: `${className}.${member}`, className, nameSpan: this.span(node.name), functionId: `${className}.${member}` };
      return;
    }
  }

  /** `@EventsHandler(A, B) class X { handle(event) {} }`: the class handles A and B in its `handle`. */
  private classHandlers(node: ts.ClassLikeDeclaration, className: string): void {
    for (const mod of node.modifiers ?? []) {
      if (!ts.isDecorator(mod) || !ts.isCallExpression(mod.expression)) continue;
      const name = this.calleeName(mod.expression.expression);
      const conv = name === undefined ? undefined : this.classDecorators.get(name);
      if (!conv) continue;
      const args = mod.expression.arguments.slice(conv.keyArg);
      const keys = args.flatMap((arg) => (conv.argumentIs === 'class' ? [this.eventClassKey(arg)] : this.keyList(arg, 'handler', conv)));
      const methodName = conv.method ?? 'handle';
      const method = node.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && propertyNameText(m.name) === methodName);
      const site: HandlerSite = {
        keys,
        name: className,
        className,
        async: method ? hasModifier(method, ts.SyntaxKind.AsyncKeyword) : false,
        span: this.span(mod),
        nameSpan: this.span(node.name!),
        via: 'decorator',
      };
      if (method) {
        site.functionId = `${className}.${methodName}`;
        const pt = firstParamType(method);
        if (pt) site.paramType = pt;
      }
      this.facts.handlers.push(site);
    }
  }

  /** A class named as an event (`@EventsHandler(X)`, `ofType(X)`): its key is the class's; the class is an event by this use. */
  private eventClassKey(arg: ts.Expression): KeyExpr {
    const e = unwrap(arg);
    const path = entityPath(e);
    if (!path || path[0] === 'this') return { kind: 'dynamic', text: shorten(e.getText(this.sf)), reason: 'not a class name', span: this.span(e) };
    this.eventClassUses.push({ path });
    return { kind: 'eventClass', path, span: this.span(e) };
  }

  private declareFunction(node: ts.SignatureDeclaration, parent: ts.Node, className: string | undefined): string {
    let id: string;
    const name = node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name)) ? node.name.text : undefined;
    if ((ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node) || ts.isConstructorDeclaration(node)) && className) {
      id = `${className}.${ts.isConstructorDeclaration(node) ? 'constructor' : name ?? '<computed>'}`;
    } else if (name) {
      id = name;
    } else {
      // An arrow function or function expression: named after the const or property it initialises.
      if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) id = parent.name.text;
      else if (ts.isPropertyDeclaration(parent) && className) id = `${className}.${propertyNameText(parent.name) ?? '<computed>'}`;
      else id = `<anonymous>@${node.getStart(this.sf)}`;
    }
    if (this.functionsById.has(id)) id = `${id}@${node.getStart(this.sf)}`;
    const fn: FunctionDecl = { id, span: this.span(node), calls: [] };
    this.functionsById.set(id, fn);
    this.facts.functions.push(fn);
    return id;
  }

  private methodHandlers(node: ts.MethodDeclaration, className: string | undefined, fnId: string, inEventSystem: boolean): void {
    for (const mod of node.modifiers ?? []) {
      if (!ts.isDecorator(mod) || !ts.isCallExpression(mod.expression)) continue;
      const published = inEventSystem ? undefined : this.decoratorPublish(mod.expression.expression);
      if (published) {
        // `@EmitEvent(key)`: the method publishes when it returns.
        const arg = mod.expression.arguments[published.argument ?? 0];
        if (arg) this.publishArgument(mod.expression, published, arg, undefined, className, fnId, {});
        continue;
      }
      const conv = this.decoratorConvention(mod.expression.expression);
      if (conv === undefined) continue;
      const arg = mod.expression.arguments[conv.keyArg];
      const keys = arg ? (conv.argumentIs === 'class' ? this.classList(arg) : this.keyList(arg, 'handler', conv)) : [];
      const methodName = propertyNameText(node.name) ?? '<computed>';
      const first = node.parameters[0];
      const site: HandlerSite = {
        keys,
        name: className ? `${className}.${methodName}` : methodName,
        async: hasModifier(node, ts.SyntaxKind.AsyncKeyword),
        span: this.span(mod),
        nameSpan: this.span(node.name),
        functionId: fnId,
        via: 'decorator',
      };
      if (className) site.className = className;
      const pt = typeRefPath(first?.type);
      if (pt) site.paramType = pt;
      if (conv.wildcards && this.conventions.wildcards.enabled) site.wildcards = true;
      this.facts.handlers.push(site);
    }
  }

  /** The convention of a handler decorator `callee` names (directly, aliased or via a namespace). */
  private decoratorConvention(callee: ts.Expression): HandlerDecoratorConvention | undefined {
    const name = this.calleeName(callee);
    return name === undefined ? undefined : this.decoratorNames.get(name);
  }

  private decoratorPublish(callee: ts.Expression): PublishConvention | undefined {
    if (!this.decoratorPublishes.size) return undefined;
    const name = this.calleeName(callee);
    return name === undefined ? undefined : this.decoratorPublishes.get(name);
  }

  /** Classes named as events, one or an array of them. */
  private classList(arg: ts.Expression): KeyExpr[] {
    const e = unwrap(arg);
    if (ts.isArrayLiteralExpression(e)) return e.elements.map((el) => this.eventClassKey(el));
    return [this.eventClassKey(e)];
  }

  /** The convention name a callee refers to: `foo`, an import alias of `foo`, or `ns.foo`. */
  private calleeName(callee: ts.Expression): string | undefined {
    if (ts.isIdentifier(callee)) return this.importedAs.get(callee.text) ?? callee.text;
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && this.namespaces.has(callee.expression.text)) {
      return callee.name.text;
    }
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const dotted = `${callee.expression.text}.${callee.name.text}`;
      if (this.registrationNames.has(dotted)) return dotted;
    }
    return undefined;
  }

  private call(node: ts.CallExpression, scope: Scope, fnId: string | undefined, className: string | undefined, inEventSystem: boolean): void {
    const callee = node.expression;
    // Calls between functions of this file, for flows.
    if (fnId) {
      const fn = this.functionsById.get(fnId);
      if (fn) {
        if (ts.isIdentifier(callee)) fn.calls.push(callee.text);
        else if (ts.isPropertyAccessExpression(callee) && (callee.expression.kind === ts.SyntaxKind.ThisKeyword || ts.isIdentifier(callee.expression))) {
          const owner = callee.expression.kind === ts.SyntaxKind.ThisKeyword ? className : (callee.expression as ts.Identifier).text;
          if (owner) fn.calls.push(`${owner}.${callee.name.text}`);
        }
      }
    }
    if (inEventSystem) return; // the event system's own implementation forwards, it does not publish
    const name = this.calleeName(callee);
    if (name !== undefined) {
      const reg = this.registrationNames.get(name);
      if (reg) {
        this.registration(node, reg, scope, className);
        return;
      }
      const ctx = this.handlerCallContext;
      if (ctx && this.handlerCalls.get(name)?.within === ctx.within) {
        const site: HandlerSite = {
          keys: node.arguments.map((a) => this.eventClassKey(a)),
          name: ctx.name,
          async: false,
          span: this.span(node),
          nameSpan: ctx.nameSpan,
          functionId: ctx.functionId,
          via: 'decorator',
        };
        if (ctx.className) site.className = ctx.className;
        this.facts.handlers.push(site);
        return;
      }
      const pub = this.publishFunctions.get(name);
      if (pub && (ts.isIdentifier(callee) || this.namespaces.has((callee as ts.PropertyAccessExpression).expression.getText(this.sf)))) {
        const arg = node.arguments[pub.argument];
        if (!arg) return;
        const inner = unwrap(arg);
        if (inner.kind === ts.SyntaxKind.ThisKeyword) return; // the event's own publish() implementation
        if (pub.argumentIs === 'events') this.publishArgument(node, { name, kind: 'function', argumentIs: 'events' }, arg, scope, className, fnId, {});
        else {
          const target: PublishTarget = pub.argumentIs === 'key' ? { kind: 'key', key: this.keyExprUse(inner, 'publish', scope, className) } : this.eventOf(inner, scope, className);
          this.publish(node, target, fnId);
        }
        return;
      }
    }
    if (ts.isPropertyAccessExpression(callee)) {
      for (const conv of this.receiverPublishes.get(callee.name.text) ?? []) {
        const match = this.receiverMatch(callee.expression, conv, scope, className);
        if (!match) continue;
        const arg = node.arguments[conv.argument ?? 0];
        if (arg) this.publishArgument(node, conv, arg, scope, className, fnId, match);
        return;
      }
    }
    if (ts.isPropertyAccessExpression(callee) && this.publishMethods.has(callee.name.text) && node.arguments.length === 0) {
      const receiver = unwrap(callee.expression);
      if (receiver.kind === ts.SyntaxKind.ThisKeyword || receiver.kind === ts.SyntaxKind.SuperKeyword) return;
      this.publish(node, this.eventOf(receiver, scope, className), fnId);
    }
  }

  /**
   * Whether a receiver is one a `method` publish convention names: by its declared type (never
   * by its name alone), as the class itself for a static call, or `this` (or an instance) of a
   * class that must extend one of `thisExtends` (checked later, with the whole workspace).
   */
  private receiverMatch(receiverExpr: ts.Expression, conv: PublishConvention, scope: Scope, className: string | undefined): ReceiverMatch | undefined {
    const r = unwrap(receiverExpr);
    if (r.kind === ts.SyntaxKind.ThisKeyword) {
      return conv.thisExtends?.length && className ? { ifExtends: { classPath: [className], bases: conv.thisExtends } } : undefined;
    }
    const declared = this.declaredTypeOf(r, scope, className);
    if (declared) {
      if (conv.receiverTypes?.includes(this.typeName(declared))) return {};
      if (conv.thisExtends?.length) return { ifExtends: { classPath: declared, bases: conv.thisExtends } };
      return undefined;
    }
    // `EventsService.emitAsync(...)`: a static call on the class itself (a name no local shadows).
    if (ts.isIdentifier(r) && !lookupVar(scope, r.text) && conv.receiverTypes?.includes(this.importedAs.get(r.text) ?? r.text)) return {};
    return undefined;
  }

  /** The declared class of a variable, parameter or `this.property`, as a path in scope. */
  private declaredTypeOf(r: ts.Expression, scope: Scope, className: string | undefined): string[] | undefined {
    if (ts.isIdentifier(r)) return lookupVar(scope, r.text)?.type ?? undefined;
    if (ts.isPropertyAccessExpression(r) && r.expression.kind === ts.SyntaxKind.ThisKeyword && className) return this.classProps.get(className)?.get(r.name.text);
    return undefined;
  }

  /** The name a type path stands for: the imported name of an alias (`EE` for `EventEmitter2`), the last segment of `ns.X`. */
  private typeName(path: string[]): string {
    return path.length === 1 ? (this.importedAs.get(path[0]) ?? path[0]) : path[path.length - 1];
  }

  /** Records what a publish convention's argument publishes: a key, an event, or a list of events. */
  private publishArgument(node: ts.Expression, conv: PublishConvention, arg: ts.Expression, scope: Scope | undefined, className: string | undefined, fnId: string | undefined, match: ReceiverMatch): void {
    const inner = unwrap(arg);
    const eventScope: Scope = scope ?? { vars: new Map(), module: true };
    if (inner.kind === ts.SyntaxKind.ThisKeyword) return; // an event publishing itself: the event system's own code
    const sites: { target: PublishTarget; constructed: boolean }[] = [];
    const event = (e: ts.Expression) => ({ target: this.eventOf(e, eventScope, className), constructed: ts.isNewExpression(unwrap(e)) });
    if (conv.argumentIs === 'key') sites.push({ target: { kind: 'key', key: this.publishedKey(inner, conv, scope, className) }, constructed: false });
    else if (conv.argumentIs === 'events') {
      if (ts.isArrayLiteralExpression(inner)) for (const el of inner.elements) sites.push(event(el));
      else sites.push({ target: { kind: 'unresolved', reason: 'a list of events built at run time' }, constructed: false });
    } else sites.push(event(inner));
    for (const { target, constructed } of sites) {
      this.publish(node, target, fnId, match.ifExtends, conv.declaresEventClass);
      if (conv.declaresEventClass && target.kind === 'class') {
        const use: EventClassUse = { path: target.path };
        if (match.ifExtends) use.ifExtends = match.ifExtends;
        if (!constructed) use.typed = true;
        this.eventClassUses.push(use);
      }
    }
  }

  /** A published key; an array is EventEmitter2's namespace segments when the convention says so. */
  private publishedKey(e: ts.Expression, conv: PublishConvention, scope: Scope | undefined, className: string | undefined): KeyExpr {
    if (ts.isArrayLiteralExpression(e)) {
      if (conv.array === 'segments') return this.segmentsKey(e, scope, className);
      return { kind: 'dynamic', text: shorten(e.getText(this.sf)), reason: 'an array where one key is expected', span: this.span(e) };
    }
    return this.keyExprUse(e, 'publish', scope, className);
  }

  /** `['order', 'created']` as EventEmitter2 reads it with wildcards on: `order.created`. */
  private segmentsKey(e: ts.ArrayLiteralExpression, scope: Scope | undefined, className: string | undefined): KeyExpr {
    const parts: KeyExpr[] = [];
    const delimiter = this.conventions.wildcards.delimiter;
    e.elements.forEach((el, i) => {
      if (i > 0) parts.push({ kind: 'literal', value: delimiter, span: this.span(el) });
      parts.push(this.keyExpr(unwrap(el), scope, className));
    });
    if (parts.length === 1) return parts[0];
    if (parts.some((p) => p.kind === 'dynamic' && !p.parts)) return { kind: 'dynamic', text: shorten(e.getText(this.sf)), reason: 'a key whose segments are computed at run time', span: this.span(e) };
    return { kind: 'dynamic', text: shorten(e.getText(this.sf)), reason: 'a key whose segments are not all constants', span: this.span(e), parts };
  }

  private registration(node: ts.CallExpression, reg: { keyArg: number; handlerArg: number }, scope: Scope, className: string | undefined): void {
    const keyArg = node.arguments[reg.keyArg];
    const fnArg = node.arguments[reg.handlerArg];
    const keys = keyArg ? this.keyList(keyArg, 'handler', undefined, scope, className) : [];
    const site: HandlerSite = { keys, name: '<anonymous>', async: false, span: this.span(node), nameSpan: this.span(fnArg ?? node), via: 'registration' };
    if (fnArg) {
      const fn = unwrap(fnArg);
      if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
        site.async = hasModifier(fn, ts.SyntaxKind.AsyncKeyword);
        site.name = fn.name?.text ?? '<anonymous>';
        const pt = firstParamType(fn);
        if (pt) site.paramType = pt;
        site.functionId = `<anonymous>@${fn.getStart(this.sf)}`; // declared when the walk reaches it
        if (fn.name) site.functionId = fn.name.text;
      } else {
        const ref = ts.isCallExpression(fn) && ts.isPropertyAccessExpression(fn.expression) && fn.expression.name.text === 'bind' ? fn.expression.expression : fn;
        const path = entityPath(ref);
        if (path) {
          const resolved = path[0] === 'this' && className ? [className, ...path.slice(1)] : path;
          site.name = resolved.join('.');
          site.functionId = resolved.join('.');
          const target = this.findFunctionNode(resolved);
          if (target) {
            site.async = hasModifier(target, ts.SyntaxKind.AsyncKeyword);
            const pt = firstParamType(target);
            if (pt) site.paramType = pt;
          }
        } else {
          site.name = shorten(fn.getText(this.sf));
        }
      }
    }
    if (className && site.name === '<anonymous>') site.className = className;
    this.facts.handlers.push(site);
  }

  /** Finds a function of this file by its id path (`foo` or `Class.method`), before the walk declares it. */
  private findFunctionNode(path: string[]): ts.SignatureDeclaration | undefined {
    for (const stmt of this.sf.statements) {
      if (path.length === 1) {
        if (ts.isFunctionDeclaration(stmt) && stmt.name?.text === path[0]) return stmt;
        if (ts.isVariableStatement(stmt)) {
          for (const d of stmt.declarationList.declarations) {
            if (ts.isIdentifier(d.name) && d.name.text === path[0] && d.initializer) {
              const init = unwrap(d.initializer);
              if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
            }
          }
        }
      } else if (path.length === 2 && ts.isClassDeclaration(stmt) && stmt.name?.text === path[0]) {
        for (const m of stmt.members) if (ts.isMethodDeclaration(m) && propertyNameText(m.name) === path[1]) return m;
      }
    }
    return undefined;
  }

  private publish(node: ts.Expression, target: PublishTarget, fnId: string | undefined, ifExtends?: PublishSite['ifExtends'], classIsEvent?: boolean): void {
    const site: PublishSite = { target, span: this.span(node), text: shorten(node.getText(this.sf)) };
    if (fnId) site.inFunction = fnId;
    if (ifExtends) site.ifExtends = ifExtends;
    if (classIsEvent) site.classIsEvent = true;
    this.facts.publishes.push(site);
  }

  /** Which event class an expression holds: `new X()`, a typed variable/parameter/property. */
  private eventOf(expr: ts.Expression, scope: Scope, className: string | undefined): PublishTarget {
    const e = unwrap(expr);
    if (ts.isNewExpression(e)) {
      const path = entityPath(e.expression);
      return path ? { kind: 'class', path } : { kind: 'unresolved', reason: 'the constructed class is not a plain name' };
    }
    if (ts.isIdentifier(e)) {
      const local = lookupVar(scope, e.text);
      if (local) return local.type ? { kind: 'class', path: local.type } : { kind: 'unresolved', reason: `the type of '${e.text}' is not declared` };
      return { kind: 'unresolved', reason: `'${e.text}' is not declared in this file` };
    }
    if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword && className) {
      const path = this.classProps.get(className)?.get(e.name.text);
      return path ? { kind: 'class', path } : { kind: 'unresolved', reason: `the type of 'this.${e.name.text}' is not declared` };
    }
    return { kind: 'unresolved', reason: 'the event is computed at run time' };
  }

  private declaredClassOf(decl: ts.VariableDeclaration): string[] | null {
    const typed = typeRefPath(decl.type);
    if (typed) return typed;
    if (decl.initializer) {
      const init = unwrap(decl.initializer);
      if (ts.isNewExpression(init)) return entityPath(init.expression) ?? null;
    }
    return null;
  }

  // ── Keys ────────────────────────────────────────────────────────────────────────────

  /** A key argument: one key, or an array of keys (or of one key's segments, per the decorator's convention). */
  private keyList(arg: ts.Expression, role: KeyUse['role'], conv?: HandlerDecoratorConvention, scope?: Scope, className?: string): KeyExpr[] {
    const e = unwrap(arg);
    if (ts.isArrayLiteralExpression(e)) {
      if (conv?.array === 'segments') {
        const k = this.segmentsKey(e, scope, className);
        if (k.kind === 'literal') this.keyUse(k, role);
        return [k];
      }
      return e.elements.map((el) => this.keyExprUse(el, role, scope, className));
    }
    return [this.keyExprUse(e, role, scope, className)];
  }

  private keyExprUse(expr: ts.Expression, role: KeyUse['role'], scope?: Scope, className?: string): KeyExpr {
    const k = this.keyExpr(unwrap(expr), scope, className);
    if (k.kind === 'literal') this.keyUse(k, role);
    return k;
  }

  /**
   * How a key is written. With a scope (inside a function), local names are looked up first:
   * a local `const` stands for its value, a property read off a typed instance for the class's
   * constant (`event.eventName`), and a parameter or a variable is what it is: not a constant.
   */
  private keyExpr(e: ts.Expression, scope?: Scope, className?: string): KeyExpr {
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return this.literal(e);
    const text = () => shorten(e.getText(this.sf));
    const dynamic = (reason: string): KeyExpr => ({ kind: 'dynamic', text: text(), reason, span: this.span(e) });
    if (ts.isTemplateExpression(e)) {
      // `${PREFIX}.created`: a key when every substitution is a constant.
      const parts: KeyExpr[] = [];
      if (e.head.text) parts.push({ kind: 'literal', value: e.head.text, span: this.span(e.head) });
      for (const span of e.templateSpans) {
        const part = this.keyExpr(unwrap(span.expression), scope, className);
        if (part.kind === 'dynamic') return dynamic('a template literal with substitutions');
        parts.push(part);
        if (span.literal.text) parts.push({ kind: 'literal', value: span.literal.text, span: this.span(span.literal) });
      }
      return { ...dynamic('a template literal with substitutions'), parts } as KeyExpr;
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      // `PREFIX + '.created'`: a key when every operand is a constant. The chain is flattened
      // with a loop (`a + b + c` nests to the left), so a generated 20,000-term sum cannot
      // exhaust the stack; past a few dozen operands it is no key anyway.
      const operands: ts.Expression[] = [];
      let left: ts.Expression = e;
      while (ts.isBinaryExpression(left) && left.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        operands.push(left.right);
        if (operands.length > MAX_KEY_PARTS) return dynamic('a string built at run time');
        left = left.left;
      }
      operands.push(left);
      const parts: KeyExpr[] = [];
      for (let i = operands.length - 1; i >= 0; i--) {
        const part = this.keyExpr(unwrap(operands[i]), scope, className);
        if (!mayBeConstant(part)) return dynamic('a string built at run time');
        parts.push(part);
      }
      return { ...dynamic('a string built from parts that are not all constants'), parts } as KeyExpr;
    }
    if (ts.isCallExpression(e) && e.arguments.length === 0 && ts.isPropertyAccessExpression(e.expression)) {
      // `X.getName()`: a static method (or an instance's method) that returns a constant.
      const owner = entityPath(e.expression.expression);
      if (owner) {
        const base = this.scopedPath(owner, scope, className);
        if ('dynamic' in base) return dynamic(base.dynamic);
        return { kind: 'ref', path: [...base.path, `${e.expression.name.text}()`], span: this.span(e), text: text() };
      }
    }
    const path = entityPath(e);
    if (path) {
      const ctor = path.indexOf('constructor');
      if (ctor > 0) return dynamic('the class of an object known only at run time');
      const local = scope && path[0] !== 'this' ? lookupVar(scope, path[0]) : undefined;
      if (local && !local.module) {
        if (path.length === 1 && local.constKey) return local.constKey;
      } else if (path.length >= 2 && path[path.length - 1] === 'name' && /^[A-Z]/.test(path[path.length - 2])) {
        return { kind: 'className', path: path.slice(0, -1), span: this.span(e) };
      }
      const scoped = this.scopedPath(path, scope, className);
      if ('dynamic' in scoped) return dynamic(scoped.dynamic);
      return scoped.path === path ? { kind: 'ref', path, span: this.span(e) } : { kind: 'ref', path: scoped.path, span: this.span(e), text: text() };
    }
    const reason = ts.isTemplateExpression(e)
      ? 'a template literal with substitutions'
      : ts.isCallExpression(e)
        ? 'the result of a call'
        : ts.isElementAccessExpression(e)
          ? 'a computed property lookup'
          : 'an expression computed at run time';
    return dynamic(reason);
  }

  /**
   * A dotted path as the resolver sees it: unchanged when its head is a module-level name;
   * `[...Class, 'prototype', ...rest]` when its head is a typed local or `this`; otherwise why
   * it is not a constant.
   */
  private scopedPath(path: string[], scope: Scope | undefined, className: string | undefined): { path: string[] } | { dynamic: string } {
    if (path[0] === 'this') {
      if (!className || !scope) return { path };
      if (path.length >= 3) {
        const type = this.classProps.get(className)?.get(path[1]);
        if (type) return { path: [...type, 'prototype', ...path.slice(2)] };
      }
      return { path: [className, 'prototype', ...path.slice(1)] };
    }
    const local = scope ? lookupVar(scope, path[0]) : undefined;
    if (!local || local.module) return { path };
    if (local.type && path.length >= 2) return { path: [...local.type, 'prototype', ...path.slice(1)] };
    if (local.param) return { dynamic: 'a parameter (the caller decides the key)' };
    return { dynamic: 'a local variable, not a constant' };
  }

  private literal(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral): KeyExpr {
    // The span covers the string's content, without its quotes.
    const start = node.getStart(this.sf) + 1;
    return { kind: 'literal', value: node.text, span: { start, end: node.getEnd() - 1 } };
  }

  private keyUse(k: KeyExpr, role: KeyUse['role']): void {
    if (k.kind === 'literal') this.facts.keyUses.push({ span: k.span, value: k.value, role });
  }

  private span(node: ts.Node): Span {
    return { start: node.getStart(this.sf), end: node.getEnd() };
  }
}

// ── Helpers ───────────────────────────────────────────────────────────────────────────

/** A name in scope: its declared class (null when unknown), whether a parameter, a local const's key, whether module-level. */
function lookupVar(scope: Scope, name: string): { type: string[] | null; param: boolean; constKey?: KeyExpr; module: boolean } | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.vars.has(name)) return { type: s.vars.get(name) ?? null, param: !!s.params?.has(name), constKey: s.consts?.get(name), module: !!s.module };
  }
  return undefined;
}

/** A key expression that can still turn out to be a constant: anything but a dynamic one without parts. */
function mayBeConstant(k: KeyExpr): boolean {
  return k.kind !== 'dynamic' || !!k.parts;
}

/** `this` or `this.a.b`. */
function isThisPath(e: ts.Expression): boolean {
  const path = entityPath(e);
  return !!path && path[0] === 'this';
}

/** `new X(...)` → ['X']. */
function constructedClass(init: ts.Expression | undefined): string[] | undefined {
  if (!init) return undefined;
  const e = unwrap(init);
  return ts.isNewExpression(e) ? entityPath(e.expression) : undefined;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  const mods = (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
  return !!mods?.some((m) => m.kind === kind);
}

function isParamPropModifier(m: ts.ModifierLike): boolean {
  return (
    m.kind === ts.SyntaxKind.PublicKeyword ||
    m.kind === ts.SyntaxKind.PrivateKeyword ||
    m.kind === ts.SyntaxKind.ProtectedKeyword ||
    m.kind === ts.SyntaxKind.ReadonlyKeyword
  );
}

function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessor(node) ||
    ts.isSetAccessor(node)
  );
}

/** Occurrences of a word (also in comments and strings: an over-count only means more work). */
function countWord(text: string, word: string): number {
  let n = 0;
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) {
    const before = i > 0 ? text.charCodeAt(i - 1) : 32;
    const after = text.charCodeAt(i + word.length);
    if (!isIdentifierChar(before) && !isIdentifierChar(after)) n++;
  }
  return n;
}

function isIdentifierChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** Strips parentheses, `as`, `satisfies`, `!` and type assertions. */
function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) {
      e = e.expression;
    } else return e;
  }
}

/** `a.b.c` (identifiers, `this`, string element access) → ['a','b','c']; anything else → undefined. */
function entityPath(node: ts.Node): string[] | undefined {
  const out: string[] = [];
  let n: ts.Node = node;
  for (;;) {
    if (ts.isIdentifier(n)) {
      out.unshift(n.text);
      return out;
    }
    if (n.kind === ts.SyntaxKind.ThisKeyword) {
      out.unshift('this');
      return out;
    }
    if (ts.isPropertyAccessExpression(n)) {
      if (!ts.isIdentifier(n.name)) return undefined;
      out.unshift(n.name.text);
      n = n.expression;
    } else if (ts.isQualifiedName(n)) {
      out.unshift(n.right.text);
      n = n.left;
    } else if (ts.isElementAccessExpression(n) && (ts.isStringLiteral(n.argumentExpression) || ts.isNoSubstitutionTemplateLiteral(n.argumentExpression))) {
      out.unshift(n.argumentExpression.text);
      n = n.expression;
    } else if (ts.isExpressionWithTypeArguments(n)) {
      n = n.expression;
    } else if (ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n) || ts.isAsExpression(n)) {
      n = n.expression;
    } else return undefined;
  }
}

function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isComputedPropertyName(name) && (ts.isStringLiteral(name.expression) || ts.isNoSubstitutionTemplateLiteral(name.expression))) {
    return name.expression.text;
  }
  return undefined;
}

function firstParamType(fn: ts.SignatureDeclaration): string[] | undefined {
  const first = fn.parameters.find((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this'));
  return typeRefPath(first?.type);
}

/**
 * The class a declared type names: `X`, `ns.X`, and `X | undefined` / `X | null` (optional
 * properties and parameters are often written so); undefined for any other type.
 */
function typeRefPath(type: ts.TypeNode | undefined): string[] | undefined {
  if (!type) return undefined;
  if (ts.isParenthesizedTypeNode(type)) return typeRefPath(type.type);
  if (ts.isUnionTypeNode(type)) {
    const nonNullish = type.types.filter(
      (t) => t.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword),
    );
    return nonNullish.length === 1 ? typeRefPath(nonNullish[0]) : undefined;
  }
  return ts.isTypeReferenceNode(type) ? entityPath(type.typeName) : undefined;
}

function inferType(init: ts.Expression | undefined): string {
  if (!init) return 'unknown';
  const e = unwrap(init);
  if (ts.isStringLiteral(e) || ts.isTemplateExpression(e) || ts.isNoSubstitutionTemplateLiteral(e)) return 'string';
  if (ts.isNumericLiteral(e)) return 'number';
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return 'boolean';
  if (ts.isNewExpression(e)) return entityPath(e.expression)?.join('.') ?? 'object';
  return 'unknown';
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 80 ? oneLine.slice(0, 77) + '...' : oneLine;
}
