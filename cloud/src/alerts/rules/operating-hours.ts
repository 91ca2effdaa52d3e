import type { OperatingHours } from '../config.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function minutesOf(clockTime: string): number {
  const [hours, minutes] = clockTime.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether `nowMs` falls inside the operating hours, in their time zone (DST handled by Intl). */
export function withinOperatingHours(nowMs: number, hours: OperatingHours): boolean {
  const parts = formatterFor(hours.timeZone).formatToParts(new Date(nowMs));
  const part = (type: string): string => parts.find((entry) => entry.type === type)?.value ?? '';
  const weekday = WEEKDAYS.indexOf(part('weekday'));
  const minuteOfDay = Number(part('hour')) * 60 + Number(part('minute'));
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start <= end) return hours.days.includes(weekday) && minuteOfDay >= start && minuteOfDay < end;
  // window across midnight: the late part belongs to the day it started on
  if (minuteOfDay >= start) return hours.days.includes(weekday);
  return minuteOfDay < end && hours.days.includes((weekday + 6) % 7);
}
