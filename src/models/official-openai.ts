/** The official OpenAI API: the only host an unnamed OPENAI_API_KEY (or OpenAI org/project id) is sent to. */
const OFFICIAL_HOST = 'api.openai.com';

export function isOfficialOpenAI(baseURL: string): boolean {
  const url = new URL(baseURL);
  return url.protocol === 'https:' && url.hostname === OFFICIAL_HOST && (url.port === '' || url.port === '443');
}
