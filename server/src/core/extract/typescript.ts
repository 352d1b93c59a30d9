/**
 * The TypeScript extractor: one file's text → its facts. Pure, synchronous, never throws on
 * bad input: a file with syntax errors yields the facts of what parsed. Uses only the parser
 * (`createSourceFile`), never a type checker.
 */
import ts from 'typescript';
import type { Conventions } from '../conventions';
import {
  emptyFacts,
  type ClassDecl,
  type FieldDecl,
  type FileFacts,
  type FunctionDecl,
  type HandlerSite,
  type KeyExpr,
  type KeyUse,
  type PublishTarget,
  type Span,
} from '../facts';

/** Deeper than this, the walk stops descending (generated code; no event code is that deep). */
const MAX_DEPTH = 400;

interface Scope {
  /** Local variable or parameter name → the event class path it holds, or null when unknown. */
  vars: Map<string, string[] | null>;
  parent?: Scope;
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
  private readonly decoratorNames: Map<string, number>;
  private readonly registrationNames: Map<string, { keyArg: number; handlerArg: number }>;
  private readonly publishFunctions: Map<string, { argument: number; argumentIs: 'event' | 'key' }>;
  private readonly publishMethods: Set<string>;
  /** Names of the event system's own functions: calls inside them forward, they do not publish or register. */
  private readonly conventionNames: Set<string>;
  private readonly functionsById = new Map<string, FunctionDecl>();
  /** Class name → property name → declared class path, for `this.x.publish()`. */
  private readonly classProps = new Map<string, Map<string, string[]>>();

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly conventions: Conventions,
    private readonly facts: FileFacts,
  ) {
    this.decoratorNames = new Map(conventions.handlerDecorators.map((d) => [d.name, d.keyArg]));
    this.registrationNames = new Map(conventions.registrations.map((r) => [r.name, { keyArg: r.keyArg, handlerArg: r.handlerArg }]));
    this.publishFunctions = new Map(
      conventions.publishes.filter((p) => p.kind === 'function').map((p) => [p.name, { argument: p.argument ?? 0, argumentIs: p.argumentIs ?? 'event' }]),
    );
    this.publishMethods = new Set(conventions.publishes.filter((p) => p.kind === 'instance').map((p) => p.name));
    this.conventionNames = new Set([
      ...this.decoratorNames.keys(),
      ...[...this.registrationNames.keys()].map((n) => n.slice(n.lastIndexOf('.') + 1)),
      ...this.publishFunctions.keys(),
    ]);
  }

  run(): void {
    for (const stmt of this.sf.statements) this.topLevel(stmt);
    this.walk(this.sf, this.sf, { vars: new Map() }, undefined, undefined, false, 0);
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

  /** Records `const X = 'k'`, `const X = Y.z`, and every leaf of a const object literal. */
  private valueDecl(path: string[], init: ts.Expression, depth: number): void {
    const expr = unwrap(init);
    if (ts.isObjectLiteralExpression(expr)) {
      if (depth > 12) return;
      for (const prop of expr.properties) {
        if (ts.isPropertyAssignment(prop)) {
          const name = propertyNameText(prop.name);
          if (name !== undefined) this.valueDecl([...path, name], prop.initializer, depth + 1);
        }
      }
      return;
    }
    const key = this.keyExpr(expr);
    if (key.kind === 'dynamic') return;
    this.facts.values.push({ path, value: key, span: this.span(init) });
    if (key.kind === 'literal') this.keyUse(key, 'constant');
  }

  private classDecl(node: ts.ClassLikeDeclaration, exported: boolean): void {
    if (!node.name) return;
    const className = node.name.text;
    const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
    const base = heritage?.types[0]?.expression;
    const extendsPath = base ? entityPath(base) ?? [] : [];
    const fields: FieldDecl[] = [];
    let eventType: KeyExpr | undefined;
    const props = new Map<string, string[]>();
    for (const member of node.members) {
      if (ts.isPropertyDeclaration(member)) {
        const name = propertyNameText(member.name);
        if (name === undefined) continue;
        const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword);
        if (!isStatic && this.conventions.eventTypeProperties.includes(name)) {
          eventType = this.eventTypeOf(member) ?? eventType;
          continue;
        }
        if (isStatic && member.initializer && hasModifier(member, ts.SyntaxKind.ReadonlyKeyword)) {
          this.valueDecl([className, name], member.initializer, 0);
        }
        if (!isStatic) {
          fields.push({ name, type: member.type ? member.type.getText(this.sf) : inferType(member.initializer), optional: !!member.questionToken });
          const typePath = typeRefPath(member.type);
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
      }
    }
    if (eventType?.kind === 'literal') this.keyUse(eventType, 'declaration');
    this.classProps.set(className, props);
    const decl: ClassDecl = { name: className, nameSpan: this.span(node.name), span: this.span(node), extends: extendsPath, fields, exported };
    if (eventType) decl.eventType = eventType;
    this.facts.classes.push(decl);
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
    let innerScope = scope;
    let innerFn = fnId;
    let innerClass = className;
    let innerEventSystem = inEventSystem;
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      innerClass = node.name?.text ?? className;
      // Top-level classes were recorded with the file's declarations; nested ones are recorded here.
      if (parent !== this.sf && node.name) this.classDecl(node, false);
    }
    if (isFunctionLike(node)) {
      innerFn = this.declareFunction(node, parent, className);
      if (this.conventionNames.has(innerFn.replace(/@\d+$/, '').split('.').pop()!)) innerEventSystem = true;
      innerScope = { vars: new Map(), parent: scope };
      for (const p of node.parameters) {
        if (ts.isIdentifier(p.name)) innerScope.vars.set(p.name.text, typeRefPath(p.type) ?? null);
      }
      if (ts.isMethodDeclaration(node) && node.modifiers) this.methodHandlers(node, className, innerFn);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      scope.vars.set(node.name.text, this.declaredClassOf(node));
    } else if (ts.isCallExpression(node)) {
      this.call(node, scope, fnId, className, inEventSystem);
    }
    ts.forEachChild(node, (child) => this.walk(child, node, innerScope, innerFn, innerClass, innerEventSystem, depth + 1));
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

  private methodHandlers(node: ts.MethodDeclaration, className: string | undefined, fnId: string): void {
    for (const mod of node.modifiers ?? []) {
      if (!ts.isDecorator(mod) || !ts.isCallExpression(mod.expression)) continue;
      const keyArg = this.decoratorKeyArg(mod.expression.expression);
      if (keyArg === undefined) continue;
      const arg = mod.expression.arguments[keyArg];
      const keys = arg ? this.keyList(arg, 'handler') : [];
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
      this.facts.handlers.push(site);
    }
  }

  /** The key argument index if `callee` names a handler decorator (directly, aliased or via a namespace). */
  private decoratorKeyArg(callee: ts.Expression): number | undefined {
    const name = this.calleeName(callee);
    return name === undefined ? undefined : this.decoratorNames.get(name);
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
        this.registration(node, reg, className);
        return;
      }
      const pub = this.publishFunctions.get(name);
      if (pub && (ts.isIdentifier(callee) || this.namespaces.has((callee as ts.PropertyAccessExpression).expression.getText(this.sf)))) {
        const arg = node.arguments[pub.argument];
        if (!arg) return;
        const inner = unwrap(arg);
        if (inner.kind === ts.SyntaxKind.ThisKeyword) return; // the event's own publish() implementation
        const target: PublishTarget = pub.argumentIs === 'key' ? { kind: 'key', key: this.keyExprUse(inner, 'publish') } : this.eventOf(inner, scope, className);
        this.publish(node, target, fnId);
        return;
      }
    }
    if (ts.isPropertyAccessExpression(callee) && this.publishMethods.has(callee.name.text) && node.arguments.length === 0) {
      const receiver = unwrap(callee.expression);
      if (receiver.kind === ts.SyntaxKind.ThisKeyword || receiver.kind === ts.SyntaxKind.SuperKeyword) return;
      this.publish(node, this.eventOf(receiver, scope, className), fnId);
    }
  }

  private registration(node: ts.CallExpression, reg: { keyArg: number; handlerArg: number }, className: string | undefined): void {
    const keyArg = node.arguments[reg.keyArg];
    const fnArg = node.arguments[reg.handlerArg];
    const keys = keyArg ? this.keyList(keyArg, 'handler') : [];
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

  private publish(node: ts.CallExpression, target: PublishTarget, fnId: string | undefined): void {
    const site = { target, span: this.span(node), text: shorten(node.getText(this.sf)) } as FileFacts['publishes'][number];
    if (fnId) site.inFunction = fnId;
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
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        if (s.vars.has(e.text)) {
          const path = s.vars.get(e.text);
          return path ? { kind: 'class', path } : { kind: 'unresolved', reason: `the type of '${e.text}' is not declared` };
        }
      }
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

  /** A key argument: one key, or an array of keys. */
  private keyList(arg: ts.Expression, role: KeyUse['role']): KeyExpr[] {
    const e = unwrap(arg);
    if (ts.isArrayLiteralExpression(e)) return e.elements.map((el) => this.keyExprUse(el, role));
    return [this.keyExprUse(e, role)];
  }

  private keyExprUse(expr: ts.Expression, role: KeyUse['role']): KeyExpr {
    const k = this.keyExpr(unwrap(expr));
    if (k.kind === 'literal') this.keyUse(k, role);
    return k;
  }

  private keyExpr(e: ts.Expression): KeyExpr {
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return this.literal(e);
    const path = entityPath(e);
    if (path) {
      if (path.length >= 2 && path[path.length - 1] === 'name' && /^[A-Z]/.test(path[path.length - 2])) {
        return { kind: 'className', path: path.slice(0, -1), span: this.span(e) };
      }
      return { kind: 'ref', path, span: this.span(e) };
    }
    const reason = ts.isTemplateExpression(e)
      ? 'a template literal with substitutions'
      : ts.isCallExpression(e)
        ? 'the result of a call'
        : ts.isElementAccessExpression(e)
          ? 'a computed property lookup'
          : 'an expression computed at run time';
    return { kind: 'dynamic', text: shorten(e.getText(this.sf)), reason, span: this.span(e) };
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
