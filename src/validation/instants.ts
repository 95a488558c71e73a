// Instants (copyCreatedSince): ISO-8601 dates or times, strictly. JavaScript's Date rolls impossible
// dates over (2026-02-30 becomes March 2nd), which would silently shift what a user asked for.
import { parseInstant } from '../util/duration.ts';
import { ValidationError } from '../util/errors.ts';
import { describeValue } from './raw.ts';

const EXAMPLE = 'e.g. 2026-11-25 or 2026-11-25T08:00:00Z';
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Why the date and time fields of an ISO-8601 text do not exist on the calendar, or undefined. */
function calendarProblem(text: string): string | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, zoneHour = 0, zoneMinute = 0] = m
    .slice(1)
    .map((x) => (x === undefined ? 0 : Number(x)));
  if (month < 1 || month > 12) return `month ${month} does not exist`;
  const days = daysIn(year, month);
  if (day < 1 || day > days) return `${MONTHS[month - 1]} ${year} has ${days} days`;
  if (hour > 23 || minute > 59 || second > 59) return 'that time of day does not exist';
  if (zoneHour > 23 || zoneMinute > 59) return 'that time zone offset does not exist';
  return undefined;
}

export function checkInstant(value: unknown, field: string): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(field, 'is an invalid Date');
    return value;
  }
  if (typeof value !== 'string') {
    throw new ValidationError(field, `must be an ISO-8601 instant (${EXAMPLE}), got ${describeValue(value)}`);
  }
  const problem = calendarProblem(value);
  if (problem) throw new ValidationError(field, `"${value}" is not a calendar date: ${problem}`);
  const date = parseInstant(value);
  if (!date) throw new ValidationError(field, `"${value}" is not an ISO-8601 instant (${EXAMPLE})`);
  return date;
}
