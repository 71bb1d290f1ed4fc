/** Just enough CloudFormation to read a packaged template: resources, conditions, references, IAM. */

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
  readonly DependsOn?: string | readonly string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface Template {
  readonly Resources: Record<string, Resource>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, { readonly Value: unknown; readonly Condition?: string }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Fn::FindInMap as CloudFormation resolves it for a stack in `region` (keys may be literal or a Ref to
 * AWS::Region): a missing mapping or key fails the stack operation, here by throwing the same message.
 */
export function findInMap(template: Template, value: unknown, region: string): unknown {
  const args = (value as { 'Fn::FindInMap'?: unknown[] })['Fn::FindInMap'];
  if (!Array.isArray(args) || args.length !== 3) throw new Error(`not an Fn::FindInMap: ${JSON.stringify(value)}`);
  const [name, top, second] = args.map((arg) => (typeof arg === 'object' && arg !== null && (arg as { Ref?: unknown }).Ref === 'AWS::Region' ? region : arg)) as string[];
  const found = template.Mappings?.[name!]?.[top!]?.[second!];
  if (found === undefined) throw new Error(`Template error: Unable to get mapping for ${name}::${top}::${second}`);
  return found;
}

export interface Statement {
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

interface PolicyDocument {
  readonly Statement: readonly Statement[];
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function resource(template: Template, logicalId: string): Resource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`the template has no resource ${logicalId}`);
  return found;
}

export function asArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** Evaluates a condition whose values are literals (serverless has already put the params in). */
export function evaluateCondition(template: Template, name: string): boolean {
  const evaluate = (expression: unknown): unknown => {
    if (typeof expression !== 'object' || expression === null || Array.isArray(expression)) return expression;
    const [[fn, args]] = Object.entries(expression) as [[string, unknown]];
    const list = asArray(args as unknown);
    switch (fn) {
      case 'Fn::Equals':
        return JSON.stringify(evaluate(list[0])) === JSON.stringify(evaluate(list[1]));
      case 'Fn::Not':
        return !evaluate(list[0]);
      case 'Fn::And':
        return list.every((item) => evaluate(item) === true);
      case 'Fn::Or':
        return list.some((item) => evaluate(item) === true);
      case 'Condition':
        return evaluateCondition(template, String(args));
      default:
        throw new Error(`condition ${name} uses ${fn}, which this evaluator does not handle`);
    }
  };
  const expression = template.Conditions?.[name];
  if (expression === undefined) throw new Error(`the template has no condition ${name}`);
  return evaluate(expression) === true;
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * A value as CloudFormation deploys it: each Fn::If replaced by the branch its condition selects,
 * and AWS::NoValue removed (from an object: the property; from a list: the element).
 */
export function resolveConditionals(template: Template, value: unknown): unknown {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit).filter((item) => item !== NO_VALUE);
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && record['Ref'] === 'AWS::NoValue') return NO_VALUE;
    if (keys.length === 1 && Array.isArray(record['Fn::If'])) {
      const [condition, whenTrue, whenFalse] = record['Fn::If'] as unknown[];
      return visit(evaluateCondition(template, String(condition)) ? whenTrue : whenFalse);
    }
    return Object.fromEntries(
      Object.entries(record)
        .map(([key, inner]) => [key, visit(inner)] as const)
        .filter(([, inner]) => inner !== NO_VALUE),
    );
  };
  const resolved = visit(value);
  return resolved === NO_VALUE ? undefined : resolved;
}

/** Logical ids of the resources a value refers to (Ref, Fn::GetAtt, Fn::Sub ${Id} / ${Id.Attr}). */
export function referencedResources(value: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, inner] of Object.entries(node)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') found.add(String(asArray(inner as unknown)[0]).split('.')[0] ?? '');
      else if (key === 'Fn::Sub') {
        const text = typeof inner === 'string' ? inner : String(asArray(inner as unknown)[0]);
        for (const [, name = ''] of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) found.add(name);
        if (Array.isArray(inner)) visit(inner[1]);
      } else visit(inner);
    }
  };
  visit(value);
  return found;
}

/** Every policy statement attached to a role: its inline policies and AWS::IAM::Policy resources naming it. */
export function statementsOfRole(template: Template, roleId: string): { statement: Statement; policy: string; condition?: string }[] {
  const inline = asArray(resource(template, roleId).Properties?.['Policies'] as { PolicyName: string; PolicyDocument: PolicyDocument }[] | undefined).flatMap((policy) =>
    policy.PolicyDocument.Statement.map((statement) => ({ statement, policy: `${roleId}/${policy.PolicyName}` })),
  );
  const attached = resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => referencedResources(policy.Properties?.['Roles']).has(roleId))
    .flatMap(([id, policy]) =>
      (policy.Properties?.['PolicyDocument'] as PolicyDocument).Statement.map((statement) => ({
        statement,
        policy: id,
        ...(policy.Condition ? { condition: policy.Condition } : {}),
      })),
    );
  return [...inline, ...attached];
}

export function allPolicyStatements(template: Template): { statement: Statement; policy: string }[] {
  return [
    ...resourcesOfType(template, 'AWS::IAM::Role').flatMap(([id]) => statementsOfRole(template, id).filter(({ policy }) => policy.startsWith(`${id}/`))),
    ...resourcesOfType(template, 'AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties?.['PolicyDocument'] as PolicyDocument).Statement.map((statement) => ({ statement, policy: id })),
    ),
  ];
}

/** A resource element as text: a plain ARN, the Fn::Sub template, or Ref(X) / GetAtt(X.Attr). */
export function describeResource(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record['Fn::Sub'] === 'string') return record['Fn::Sub'];
    if (typeof record['Ref'] === 'string') return `Ref(${record['Ref']})`;
    if (Array.isArray(record['Fn::GetAtt'])) return `GetAtt(${record['Fn::GetAtt'].join('.')})`;
  }
  return JSON.stringify(value);
}

/**
 * The resources a value refers to (as `referencedResources` finds them), each with the conditions that
 * guard it: those of the Fn::If whose true branch it sits in. (A false branch is guarded by no condition.)
 */
export function guardedReferences(value: unknown): { readonly ref: string; readonly guards: readonly string[] }[] {
  const found: { ref: string; guards: readonly string[] }[] = [];
  const visit = (node: unknown, guards: readonly string[]): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, guards));
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const [only, ...others] = Object.keys(record);
    if (others.length === 0 && only === 'Fn::If' && Array.isArray(record['Fn::If'])) {
      const [condition, whenTrue, whenFalse] = record['Fn::If'] as unknown[];
      visit(whenTrue, [...guards, String(condition)]);
      visit(whenFalse, guards);
      return;
    }
    if (others.length === 0 && (only === 'Ref' || only === 'Fn::GetAtt' || only === 'Fn::Sub')) {
      for (const ref of referencedResources(record)) found.push({ ref, guards });
      return;
    }
    Object.values(record).forEach((inner) => visit(inner, guards));
  };
  visit(value, []);
  return found;
}

/** Whether condition `holds` can only be true when `needed` is (the same condition, or an Fn::And naming it). */
export function conditionImplies(template: Template, holds: string, needed: string): boolean {
  if (holds === needed) return true;
  const expression = template.Conditions?.[holds] as { 'Fn::And'?: unknown[] } | undefined;
  return (expression?.['Fn::And'] ?? []).some((part) => {
    const named = (part as { Condition?: unknown }).Condition;
    return typeof named === 'string' && conditionImplies(template, named, needed);
  });
}
