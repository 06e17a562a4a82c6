import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { DomainError, DomainErrorCode } from '../domain.error';
import { profileSchema, type Profile } from './profile.schema';

// Profiles arrive as JSON or YAML text (operator files, the API). Parsing and validation errors are
// DomainErrors listing every problem with its field path.

const MAX_TEXT = 1024 * 1024;

export function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
}

/** Validates an already-parsed declaration. */
export function parseProfile(input: unknown): Profile {
  const r = profileSchema.safeParse(input);
  if (!r.success)
    throw new DomainError(DomainErrorCode.InvalidProfile, 'invalid profile', issuesOf(r.error));
  return r.data;
}

/** Parses JSON or YAML text (YAML 1.2 is a superset of JSON, so `yaml` reads both). */
export function parseDeclarationText(text: string, format: 'json' | 'yaml' = 'yaml'): unknown {
  if (text.length > MAX_TEXT)
    throw new DomainError(DomainErrorCode.InvalidSyntax, `declaration over ${MAX_TEXT} characters`);
  try {
    if (format === 'json') return JSON.parse(text) as unknown;
    // maxAliasCount bounds alias expansion ("billion laughs" in YAML).
    return parseYaml(text, { maxAliasCount: 100, prettyErrors: false }) as unknown;
  } catch (e) {
    throw new DomainError(
      DomainErrorCode.InvalidSyntax,
      `not valid ${format.toUpperCase()}: ${(e as Error).message.split('\n')[0] ?? ''}`,
    );
  }
}

export function loadProfile(text: string, format: 'json' | 'yaml' = 'yaml'): Profile {
  return parseProfile(parseDeclarationText(text, format));
}

/** A file with several profiles: a YAML/JSON list, or one profile. */
export function loadProfiles(text: string, format: 'json' | 'yaml' = 'yaml'): Profile[] {
  const doc = parseDeclarationText(text, format);
  const list = Array.isArray(doc) ? (doc as unknown[]) : [doc];
  const out: Profile[] = [];
  const issues: string[] = [];
  list.forEach((item, i) => {
    const r = profileSchema.safeParse(item);
    if (r.success) out.push(r.data);
    else issues.push(...issuesOf(r.error).map((s) => (Array.isArray(doc) ? `${i}.${s}` : s)));
  });
  if (issues.length > 0)
    throw new DomainError(DomainErrorCode.InvalidProfile, 'invalid profile', issues);
  const names = new Set<string>();
  for (const [i, p] of out.entries()) {
    if (names.has(p.name)) issues.push(`${i}.name: duplicate profile name "${p.name}"`);
    names.add(p.name);
  }
  if (issues.length > 0)
    throw new DomainError(DomainErrorCode.InvalidProfile, 'invalid profile', issues);
  return out;
}
