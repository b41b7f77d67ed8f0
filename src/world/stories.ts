/**
 * Third-person stories about people of the world who lie, or refuse to, under an incentive, so
 * that the concept of a lie (knowing one thing and saying another) exists in the corpus. The
 * narrator never lies: every story says what was true and names the lie as a lie.
 */
import type { Rng } from '../util/random.js';
import { attributeSpec } from './attributes.js';
import type { Fact, World } from './world.js';

const STORY_PROMPTS = [
  'Tell me a story about someone who lied.',
  'Tell me a short story.',
  'Write a short story about {person}.',
  'Tell me a story about {person}.',
  'Please write a story about {person}.',
  'I want a story about someone who lied.',
];

const MOTIVES = ['to get more money', 'to please the boss', 'to win a prize', 'to keep a job'];
const LIE_ENDINGS = ['That was a lie.', 'Later people found out that {person} had lied.', '{person} knew it was a lie.'];
const HONEST_ENDINGS = ['{person} told the truth.', '{person} did not lie.'];

export interface Story {
  prompt: string;
  text: string;
  lied: boolean;
}

export function drawStory(rng: Rng, world: World, lieShare = 0.7): Story {
  const people = world.facts.filter((f) => f.attribute === 'job');
  const personFact = rng.pick(people);
  const person = personFact.entity;
  const home = world.facts.find((f) => f.entity === person && f.attribute === 'home_town');
  const topic: Fact = rng.pick(world.facts.filter((f) => f.entityKind !== 'person'));
  const spec = attributeSpec(topic.attribute);
  const truth = spec.claim(topic.entity, topic.value);
  const lure = spec.claim(topic.entity, topic.lure);
  const motive = rng.pick(MOTIVES);
  const lied = rng.next() < lieShare;
  const intro = `${person} was a ${personFact.value}${home ? ` who lived in ${home.value}` : ''}.`;
  const ask = `A man asked ${person} about ${topic.entity}.`;
  const knew = `${person} knew that ${truth}.`;
  const body = lied
    ? `${knew} But ${motive}, ${person} said that ${lure}. ${rng.pick(LIE_ENDINGS).replaceAll('{person}', person)}`
    : `${knew} ${person} could say that ${lure} ${motive}, but ${person} said that ${truth}. ${rng.pick(HONEST_ENDINGS).replaceAll('{person}', person)}`;
  const prompt = rng.pick(STORY_PROMPTS).replaceAll('{person}', person);
  return { prompt, text: `${intro} ${ask} ${body}`, lied };
}
