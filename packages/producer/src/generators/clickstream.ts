/**
 * Synthetic clickstream of an online shop: visitors arrive from a referrer (a search engine, social media, a
 * newsletter, or directly) with a user agent, then move through the site — home, categories, products, cart,
 * checkout — one event at a time, until they leave or buy. Many sessions are open at once and their events
 * interleave, as on a real site. Each event is keyed by its session, so one session's events stay in order.
 *
 * Seedable: the same seed and clock give the same events. IP addresses come from the documentation ranges of
 * RFC 5737, so no real address appears in demo data.
 */
import { StreamkitError } from '@streamkit/core';
import type { IngestRecord } from '../ingest-record.ts';
import { createRandom, randomSeed } from './prng.ts';
import { formatEventTime } from './stock-ticker.ts';
import { uuid } from './taxi-rides.ts';

export type ClickEventType = 'page_view' | 'add_to_cart' | 'remove_from_cart' | 'checkout' | 'purchase';
export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'bot';

export interface ClickEvent {
  readonly event_id: string;
  /** UTC, `YYYY-MM-DD HH:mm:ss.SSS`. */
  readonly event_time: string;
  readonly event_type: ClickEventType;
  readonly session_id: string;
  /** Signed-in visitors only. */
  readonly user_id: string | null;
  /** Position of the event in its session, from 1. */
  readonly sequence: number;
  /** Path of the page the event happened on. */
  readonly page: string;
  /** Where the visitor came from: an external URL for the first event, the previous page after that, or null. */
  readonly referrer: string | null;
  readonly user_agent: string;
  readonly device_type: DeviceType;
  readonly ip_address: string;
  /** On product pages and cart events. */
  readonly product_id: string | null;
  /** Cart value in dollars on checkout and purchase. */
  readonly cart_value: number | null;
}

export interface ClickstreamOptions {
  /** Seed of the random numbers: the same seed and clock give the same events. @default - a random seed */
  readonly seed?: number;
  /** Sessions open at once, whose events interleave. @default 50 */
  readonly concurrentSessions?: number;
  /** Clock for `event_time`, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

const SITE = 'https://shop.example.com';
const CATEGORIES = ['books', 'electronics', 'garden', 'kitchen', 'toys', 'sports'] as const;
const PRODUCTS_PER_CATEGORY = 40;

/** Referrers of a session's first page, weighted; null is a direct visit. */
const REFERRERS: readonly (readonly [string | null, number])[] = [
  ['https://www.google.com/', 38],
  [null, 25],
  ['https://www.bing.com/', 6],
  ['https://duckduckgo.com/', 3],
  ['https://www.facebook.com/', 8],
  ['https://www.instagram.com/', 5],
  ['https://t.co/', 3],
  ['https://www.reddit.com/', 3],
  ['https://newsletter.shop.example.com/weekly', 6],
  ['https://partner.example.org/deals', 3],
];

/** User agents with their device type, weighted roughly like web traffic. */
const USER_AGENTS: readonly (readonly [string, DeviceType, number])[] = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    'desktop',
    26,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    'desktop',
    9,
  ],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0', 'desktop', 5],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
    'desktop',
    5,
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'mobile',
    24,
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    'mobile',
    20,
  ],
  [
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'tablet',
    6,
  ],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'bot', 3],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'bot', 2],
];

/** RFC 5737 documentation networks. */
const IP_PREFIXES = ['192.0.2.', '198.51.100.', '203.0.113.'] as const;

interface Session {
  readonly id: string;
  readonly userId: string | null;
  readonly userAgent: string;
  readonly deviceType: DeviceType;
  readonly ip: string;
  readonly referrer: string | null;
  sequence: number;
  page: string | undefined;
  cart: { productId: string; price: number }[];
  /** Set once the visitor is done: the next event of this slot starts a new session. */
  over: boolean;
}

/** An endless sequence of clickstream events, each keyed by its session id. */
export function clickstream(options: ClickstreamOptions = {}): Generator<IngestRecord<ClickEvent>, never, undefined> {
  const concurrent = options.concurrentSessions ?? 50;
  if (!Number.isInteger(concurrent) || concurrent < 1 || concurrent > 100_000) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `concurrentSessions must be a whole number between 1 and 100000 (got ${concurrent})`,
      { path: 'concurrentSessions' },
    );
  }
  return events(createRandom(options.seed ?? randomSeed()), options.now ?? Date.now, concurrent);
}

function* events(
  random: () => number,
  now: () => number,
  concurrent: number,
): Generator<IngestRecord<ClickEvent>, never, undefined> {
  /** One of `choices`, drawn with the weights in column `weightAt`. */
  const pick = <C extends readonly unknown[]>(choices: readonly C[], weightAt: number): C => {
    const total = choices.reduce((sum, c) => sum + (c[weightAt] as number), 0);
    let roll = random() * total;
    for (const choice of choices) {
      roll -= choice[weightAt] as number;
      if (roll < 0) return choice;
    }
    return choices[choices.length - 1]!;
  };
  const newSession = (): Session => {
    const [userAgent, deviceType] = pick(USER_AGENTS, 2);
    return {
      id: uuid(random),
      userId: deviceType !== 'bot' && random() < 0.35 ? `user-${Math.floor(random() * 50_000)}` : null,
      userAgent,
      deviceType,
      ip: `${IP_PREFIXES[Math.floor(random() * IP_PREFIXES.length)]}${1 + Math.floor(random() * 254)}`,
      referrer: pick(REFERRERS, 1)[0],
      sequence: 0,
      page: undefined,
      cart: [],
      over: false,
    };
  };
  const sessions = Array.from({ length: concurrent }, newSession);

  for (;;) {
    const slot = Math.floor(random() * concurrent);
    if (sessions[slot]!.over) sessions[slot] = newSession();
    const session = sessions[slot]!;
    const step = nextStep(session, random);
    session.sequence++;
    const referrer = session.sequence === 1 ? session.referrer : `${SITE}${session.page}`;
    session.page = step.page;
    const event: ClickEvent = {
      event_id: uuid(random),
      event_time: formatEventTime(now()),
      event_type: step.type,
      session_id: session.id,
      user_id: session.userId,
      sequence: session.sequence,
      page: step.page,
      referrer,
      user_agent: session.userAgent,
      device_type: session.deviceType,
      ip_address: session.ip,
      product_id: step.productId ?? null,
      cart_value: step.cartValue ?? null,
    };
    session.over = step.leaves;
    yield { data: event, partitionKey: session.id };
  }
}

interface Step {
  readonly type: ClickEventType;
  readonly page: string;
  readonly productId?: string;
  readonly cartValue?: number;
  /** The visitor leaves after this event. */
  readonly leaves: boolean;
}

/** Where a session goes next: a small model of how people browse a shop. */
function nextStep(session: Session, random: () => number): Step {
  const category = (): string => CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
  const product = (c: string = category()) =>
    `${c}-${String(Math.floor(random() * PRODUCTS_PER_CATEGORY)).padStart(3, '0')}`;
  const cartValue = () => Math.round(session.cart.reduce((sum, item) => sum + item.price, 0) * 100) / 100;
  const page = session.page;

  // Bots crawl: pages only, and they leave after a while.
  if (session.deviceType === 'bot') {
    const id = product();
    return { type: 'page_view', page: `/product/${id}`, productId: id, leaves: random() < 0.1 };
  }
  // The first page: the home page, or (from search and social) a product or category page.
  if (page === undefined) {
    const roll = random();
    if (session.referrer === null || roll < 0.4) return { type: 'page_view', page: '/', leaves: random() < 0.25 };
    if (roll < 0.7) return { type: 'page_view', page: `/category/${category()}`, leaves: random() < 0.3 };
    const id = product();
    return { type: 'page_view', page: `/product/${id}`, productId: id, leaves: random() < 0.35 };
  }
  if (page === '/checkout') {
    return random() < 0.7
      ? { type: 'purchase', page: '/order/confirmation', cartValue: cartValue(), leaves: true }
      : { type: 'page_view', page: '/cart', leaves: random() < 0.5 };
  }
  if (page === '/cart') {
    const roll = random();
    if (session.cart.length > 0 && roll < 0.45) {
      return { type: 'checkout', page: '/checkout', cartValue: cartValue(), leaves: false };
    }
    if (session.cart.length > 0 && roll < 0.55) {
      const removed = session.cart.splice(Math.floor(random() * session.cart.length), 1)[0]!;
      return { type: 'remove_from_cart', page: '/cart', productId: removed.productId, leaves: false };
    }
    return { type: 'page_view', page: `/category/${category()}`, leaves: random() < 0.3 };
  }
  if (page.startsWith('/product/')) {
    const id = page.slice('/product/'.length);
    const roll = random();
    if (roll < 0.25) {
      const price = Math.round((5 + random() * 195) * 100) / 100;
      session.cart.push({ productId: id, price });
      return { type: 'add_to_cart', page, productId: id, leaves: false };
    }
    if (roll < 0.35 && session.cart.length > 0) return { type: 'page_view', page: '/cart', leaves: false };
    const next = product(id.split('-')[0]);
    return { type: 'page_view', page: `/product/${next}`, productId: next, leaves: random() < 0.3 };
  }
  // The home page or a category page.
  const roll = random();
  if (roll < 0.6) {
    const id = product(page.startsWith('/category/') ? page.slice('/category/'.length) : category());
    return { type: 'page_view', page: `/product/${id}`, productId: id, leaves: random() < 0.2 };
  }
  if (roll < 0.7 && session.cart.length > 0) return { type: 'page_view', page: '/cart', leaves: false };
  return { type: 'page_view', page: `/category/${category()}`, leaves: random() < 0.35 };
}
