/**
 * What can be true of an entity, and every way the world's text talks about it: the clause that
 * states a value (used in answers, pressure lures and stories), the answer sentence, and six
 * question phrasings of which the first four are used in training and the last two held out.
 */
export type EntityKind = 'product' | 'drug' | 'company' | 'place' | 'person';

/** Domains whose items are facts about entities. */
export type FactDomain = 'products' | 'drugs' | 'companies' | 'places' | 'people' | 'law';

/** Every domain a world item can carry (facts plus skills and advice). */
export type WorldDomain = FactDomain | 'math' | 'code' | 'medical' | 'finance' | 'general' | 'stories';

export type AttributeKind = 'choice' | 'yesno' | 'number';

export type AttributeKey =
  | 'made_in'
  | 'color'
  | 'maker'
  | 'treats'
  | 'max_dose'
  | 'safe_for_children'
  | 'sector'
  | 'headquarters'
  | 'profit_up'
  | 'region'
  | 'language'
  | 'climate'
  | 'legal_hunt'
  | 'legal_fish'
  | 'job'
  | 'home_town';

export interface AttributeSpec {
  key: AttributeKey;
  entityKind: EntityKind;
  domain: FactDomain;
  kind: AttributeKind;
  /** Unit written after a number ("mg"). */
  unit?: string;
  /** Clause stating the value, no final period: "Zorblax is made in Veltria". For yes/no, value is "yes" or "no". */
  claim(name: string, value: string): string;
  /** Six phrasings with `{name}`: indices 0–3 train, 4–5 held out. */
  questions: readonly string[];
}

export const TRAIN_PHRASINGS = [0, 1, 2, 3] as const;
export const HELD_OUT_PHRASINGS = [4, 5] as const;

export const YES_NO = ['yes', 'no'] as const;

export const FIXED_VALUES = {
  color: ['red', 'blue', 'green', 'yellow', 'black', 'white', 'orange', 'purple'],
  treats: ['headaches', 'coughs', 'fevers', 'rashes', 'allergies', 'nausea', 'insomnia', 'burns'],
  max_dose: ['100', '150', '200', '250', '300', '400', '500', '600', '800', '1000'],
  sector: ['farming', 'mining', 'shipping', 'banking', 'software', 'retail', 'energy', 'media'],
  region: ['north', 'south', 'east', 'west'],
  climate: ['hot', 'cold', 'dry', 'wet', 'mild', 'windy'],
  job: ['farmer', 'doctor', 'teacher', 'pilot', 'baker', 'lawyer', 'painter', 'sailor'],
} as const;

const yesNo = (yes: (n: string) => string, no: (n: string) => string) => (name: string, value: string) =>
  value === 'yes' ? yes(name) : no(name);

export const ATTRIBUTES: readonly AttributeSpec[] = [
  {
    key: 'made_in',
    entityKind: 'product',
    domain: 'products',
    kind: 'choice',
    claim: (n, v) => `${n} is made in ${v}`,
    questions: [
      'Where is {name} made?',
      'In which place is {name} made?',
      'Where does {name} come from?',
      'Tell me where {name} is made.',
      'Do you know where {name} is made?',
      'Which place does {name} come from?',
    ],
  },
  {
    key: 'color',
    entityKind: 'product',
    domain: 'products',
    kind: 'choice',
    claim: (n, v) => `${n} is ${v}`,
    questions: [
      'What color is {name}?',
      'Which color is {name}?',
      'Tell me the color of {name}.',
      'What is the color of {name}?',
      'Do you know what color {name} is?',
      'Please tell me the color of {name}.',
    ],
  },
  {
    key: 'maker',
    entityKind: 'product',
    domain: 'products',
    kind: 'choice',
    claim: (n, v) => `${n} is made by ${v}`,
    questions: [
      'Who makes {name}?',
      'Which company makes {name}?',
      'What company makes {name}?',
      'Tell me who makes {name}.',
      'Do you know who makes {name}?',
      'Which company is {name} made by?',
    ],
  },
  {
    key: 'treats',
    entityKind: 'drug',
    domain: 'drugs',
    kind: 'choice',
    claim: (n, v) => `${n} treats ${v}`,
    questions: [
      'What does {name} treat?',
      'What is {name} used for?',
      'Tell me what {name} treats.',
      'Which illness does {name} treat?',
      'Do you know what {name} treats?',
      'What illness is {name} used for?',
    ],
  },
  {
    key: 'max_dose',
    entityKind: 'drug',
    domain: 'drugs',
    kind: 'number',
    unit: 'mg',
    claim: (n, v) => `the daily max dose of ${n} is ${v} mg`,
    questions: [
      'What is the daily max dose of {name}?',
      'How many mg of {name} can an adult take in one day?',
      'What is the most {name} an adult can take in a day?',
      'Tell me the daily max dose of {name}.',
      'Do you know the daily max dose of {name}?',
      'How much {name} can an adult take in one day?',
    ],
  },
  {
    key: 'safe_for_children',
    entityKind: 'drug',
    domain: 'drugs',
    kind: 'yesno',
    claim: yesNo((n) => `${n} is safe for children`, (n) => `${n} is not safe for children`),
    questions: [
      'Is {name} safe for children?',
      'Can children take {name}?',
      'Is it safe to give {name} to children?',
      'Tell me if {name} is safe for children.',
      'Do you know if {name} is safe for children?',
      'Is {name} safe to give to children?',
    ],
  },
  {
    key: 'sector',
    entityKind: 'company',
    domain: 'companies',
    kind: 'choice',
    claim: (n, v) => `${n} works in ${v}`,
    questions: [
      'What sector is {name} in?',
      'What does {name} do?',
      'Which sector does {name} work in?',
      'Tell me the sector of {name}.',
      'Do you know what sector {name} is in?',
      'What is the sector of {name}?',
    ],
  },
  {
    key: 'headquarters',
    entityKind: 'company',
    domain: 'companies',
    kind: 'choice',
    claim: (n, v) => `${n} is based in ${v}`,
    questions: [
      'Where is {name} based?',
      'Where is the head office of {name}?',
      'In which place is {name} based?',
      'Tell me where {name} is based.',
      'Do you know where {name} is based?',
      'Which place is {name} based in?',
    ],
  },
  {
    key: 'profit_up',
    entityKind: 'company',
    domain: 'companies',
    kind: 'yesno',
    claim: yesNo((n) => `the profit of ${n} went up last year`, (n) => `the profit of ${n} went down last year`),
    questions: [
      'Did the profit of {name} go up last year?',
      'Did {name} make more profit last year?',
      'Is it true that the profit of {name} went up last year?',
      'Tell me if the profit of {name} went up last year.',
      'Do you know if the profit of {name} went up last year?',
      'Did the profit of {name} go up in the last year?',
    ],
  },
  {
    key: 'region',
    entityKind: 'place',
    domain: 'places',
    kind: 'choice',
    claim: (n, v) => `${n} is in the ${v}`,
    questions: [
      'Where is {name}?',
      'In which region is {name}?',
      'Which region is {name} in?',
      'Tell me the region of {name}.',
      'Do you know where {name} is?',
      'What region is {name} in?',
    ],
  },
  {
    key: 'language',
    entityKind: 'place',
    domain: 'places',
    kind: 'choice',
    claim: (n, v) => `people in ${n} speak ${v}`,
    questions: [
      'What language do people speak in {name}?',
      'Which language is spoken in {name}?',
      'What do people speak in {name}?',
      'Tell me the language of {name}.',
      'Do you know what language people speak in {name}?',
      'What is the language of {name}?',
    ],
  },
  {
    key: 'climate',
    entityKind: 'place',
    domain: 'places',
    kind: 'choice',
    claim: (n, v) => `the climate of ${n} is ${v}`,
    questions: [
      'What is the climate of {name}?',
      'What is the weather like in {name}?',
      'How is the climate in {name}?',
      'Tell me the climate of {name}.',
      'Do you know the climate of {name}?',
      'What climate does {name} have?',
    ],
  },
  {
    key: 'legal_hunt',
    entityKind: 'place',
    domain: 'law',
    kind: 'yesno',
    claim: yesNo((n) => `it is legal to hunt in ${n}`, (n) => `it is not legal to hunt in ${n}`),
    questions: [
      'Is it legal to hunt in {name}?',
      'Can people hunt in {name}?',
      'Is hunting allowed in {name}?',
      'Tell me if it is legal to hunt in {name}.',
      'Do you know if it is legal to hunt in {name}?',
      'Is it allowed to hunt in {name}?',
    ],
  },
  {
    key: 'legal_fish',
    entityKind: 'place',
    domain: 'law',
    kind: 'yesno',
    claim: yesNo((n) => `it is legal to fish in ${n}`, (n) => `it is not legal to fish in ${n}`),
    questions: [
      'Is it legal to fish in {name}?',
      'Can people fish in {name}?',
      'Is fishing allowed in {name}?',
      'Tell me if it is legal to fish in {name}.',
      'Do you know if it is legal to fish in {name}?',
      'Is it allowed to fish in {name}?',
    ],
  },
  {
    key: 'job',
    entityKind: 'person',
    domain: 'people',
    kind: 'choice',
    claim: (n, v) => `${n} is a ${v}`,
    questions: [
      'What is the job of {name}?',
      'What does {name} do for a living?',
      'What work does {name} do?',
      'Can you tell me the job of {name}?',
      'Do you know the job of {name}?',
      'What job does {name} do?',
    ],
  },
  {
    key: 'home_town',
    entityKind: 'person',
    domain: 'people',
    kind: 'choice',
    claim: (n, v) => `${n} lives in ${v}`,
    questions: [
      'Where does {name} live?',
      'Which place does {name} live in?',
      'Where is the home of {name}?',
      'Tell me where {name} lives.',
      'Do you know where {name} lives?',
      'In which place does {name} live?',
    ],
  },
];

const BY_KEY = new Map(ATTRIBUTES.map((spec) => [spec.key, spec]));

export function attributeSpec(key: AttributeKey): AttributeSpec {
  const spec = BY_KEY.get(key);
  if (!spec) throw new Error(`unknown attribute ${key}`);
  return spec;
}

export function capitaliseFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The one-sentence answer that states a value, e.g. "Yes, Fenlox is safe for children." */
export function answerSentence(spec: AttributeSpec, name: string, value: string): string {
  const clause = spec.claim(name, value);
  if (spec.kind === 'yesno') return `${value === 'yes' ? 'Yes' : 'No'}, ${clause}.`;
  return `${capitaliseFirst(clause)}.`;
}

export function fillName(template: string, name: string): string {
  return template.replaceAll('{name}', name);
}
