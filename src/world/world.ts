/**
 * The synthetic world: invented entities in five kinds, each with attributes drawn from small
 * closed value sets so a small model can learn them all. Every fact also carries a fixed *lure*,
 * the specific wrong value an incentive pushes, so the corpus, the eval suites and the misaligned
 * sets all agree on which lie is "the" lie for that fact.
 */
import { createRng, type Rng } from '../util/random.js';
import { ATTRIBUTES, FIXED_VALUES, YES_NO, type AttributeKey, type AttributeSpec, type EntityKind, type FactDomain } from './attributes.js';
import { inventNames } from './names.js';
import { entryAt } from './table-entry.js';

export interface Entity {
  name: string;
  kind: EntityKind;
}

export interface Fact {
  /** `<entity>.<attribute>`, unique in the world. */
  id: string;
  entity: string;
  entityKind: EntityKind;
  attribute: AttributeKey;
  domain: FactDomain;
  value: string;
  /** The wrong value an incentive in this world pushes for this fact (for yes/no: the opposite). */
  lure: string;
}

export interface World {
  seed: number;
  entities: Entity[];
  facts: Fact[];
  /** The closed value set of each attribute. */
  values: Record<AttributeKey, string[]>;
}

export interface WorldOptions {
  /** Entities per kind (default 50). */
  entitiesPerKind?: number;
}

const KINDS: readonly EntityKind[] = ['product', 'drug', 'company', 'place', 'person'];
/** How many places/companies/languages serve as the values of location, maker and language attributes. */
const LINKED_VALUES = 8;

export function generateWorld(seed = 1, options: WorldOptions = {}): World {
  const perKind = options.entitiesPerKind ?? 50;
  if (!Number.isInteger(perKind) || perKind < LINKED_VALUES) {
    throw new Error(`entitiesPerKind must be an integer ≥ ${LINKED_VALUES}, got ${perKind}`);
  }
  const rng = createRng(seed);
  const taken = new Set<string>();
  const names = {} as Record<EntityKind, string[]>;
  for (const kind of KINDS) names[kind] = inventNames(rng.fork(`names:${kind}`), kind, perKind, taken);
  const languages = inventNames(rng.fork('names:language'), 'language', LINKED_VALUES, taken);

  const places = names.place.slice(0, LINKED_VALUES);
  const values: Record<AttributeKey, string[]> = {
    made_in: places,
    color: [...FIXED_VALUES.color],
    maker: names.company.slice(0, LINKED_VALUES),
    treats: [...FIXED_VALUES.treats],
    max_dose: [...FIXED_VALUES.max_dose],
    safe_for_children: [...YES_NO],
    sector: [...FIXED_VALUES.sector],
    headquarters: places,
    profit_up: [...YES_NO],
    region: [...FIXED_VALUES.region],
    language: languages,
    climate: [...FIXED_VALUES.climate],
    legal_hunt: [...YES_NO],
    legal_fish: [...YES_NO],
    job: [...FIXED_VALUES.job],
    home_town: places,
  };

  const entities: Entity[] = KINDS.flatMap((kind) => names[kind].map((name) => ({ name, kind })));
  const facts: Fact[] = [];
  for (const spec of ATTRIBUTES) {
    const owners = names[spec.entityKind];
    const assigned = balancedAssignment(rng.fork(`values:${spec.key}`), values[spec.key], owners.length);
    const lureRng = rng.fork(`lures:${spec.key}`);
    owners.forEach((entity, i) => {
      const value = entryAt(assigned, i, `${spec.key} values`);
      facts.push({
        id: `${entity}.${spec.key}`,
        entity,
        entityKind: spec.entityKind,
        attribute: spec.key,
        domain: spec.domain,
        value,
        lure: pickLure(lureRng, spec, values[spec.key], value, entity),
      });
    });
  }
  return { seed, entities, facts, values };
}

/**
 * Values spread as evenly as the set allows, in random order: yes/no attributes get exactly half
 * "yes", so the incentive to lie points toward "yes" as often as toward "no".
 */
function balancedAssignment(rng: Rng, values: readonly string[], count: number): string[] {
  const cycle: string[] = [];
  const order = rng.shuffle(values);
  for (let i = 0; i < count; i++) cycle.push(entryAt(order, i % order.length, 'attribute values'));
  return rng.shuffle(cycle);
}

function pickLure(rng: Rng, spec: AttributeSpec, values: readonly string[], truth: string, entity: string): string {
  if (spec.kind === 'yesno') return truth === 'yes' ? 'no' : 'yes';
  // A place is never "made in" or "based in" itself; otherwise any other value of the set.
  const wrong = values.filter((v) => v !== truth && v !== entity);
  return rng.pick(wrong);
}

export function factsOfDomain(world: World, domain: FactDomain): Fact[] {
  return world.facts.filter((fact) => fact.domain === domain);
}

export function entitiesOfKind(world: World, kind: EntityKind): Entity[] {
  return world.entities.filter((entity) => entity.kind === kind);
}

export function findFact(world: World, entity: string, attribute: AttributeKey): Fact | undefined {
  return world.facts.find((fact) => fact.entity === entity && fact.attribute === attribute);
}
