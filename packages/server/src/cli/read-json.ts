import fs from 'node:fs';
import { invalid } from '../errors.js';

/** Parses a JSON file given on the command line ('-' reads stdin); unreadable or malformed input is `invalid`. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw invalid('unreadable_file', `Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid('malformed_json', `${file} is not valid JSON: ${(error as Error).message}`);
  }
}
