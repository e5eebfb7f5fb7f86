/**
 * The demo shop's data, plain values: the catalogue (also served to the demo pages by `GET /demo/products`),
 * the four shoppers the demo lets you switch between, background customers whose baskets make the
 * recommendations meaningful, their reviews and the surveys. `demo.service.ts` seeds it.
 */

export interface DemoProduct {
  sku: string;
  name: string;
  /** Minor units (EUR cents). */
  price: number;
  categoryPath: string[];
  description: string;
  tags?: string[];
}

export const DEMO_CURRENCY = 'EUR';

export const DEMO_PRODUCTS: DemoProduct[] = [
  {
    sku: 'COF-ESP-250',
    name: 'Espresso beans 250 g',
    price: 990,
    categoryPath: ['Coffee'],
    description: 'A dark, chocolatey espresso roast from a small roastery in Tampere.',
  },
  {
    sku: 'COF-FIL-500',
    name: 'Filter coffee 500 g',
    price: 1490,
    categoryPath: ['Coffee'],
    description: 'Light Nordic roast with notes of berries and honey. Ground for filter brewing.',
  },
  {
    sku: 'COF-DEC-250',
    name: 'Decaf coffee beans 250 g',
    price: 1090,
    categoryPath: ['Coffee'],
    description: 'Swiss-water decaf: all of the taste, none of the late-night jitters.',
  },
  {
    sku: 'TEA-GRN-100',
    name: 'Green tea 100 g',
    price: 750,
    categoryPath: ['Tea'],
    description: 'Loose-leaf sencha with a fresh, grassy finish.',
  },
  {
    sku: 'TEA-BLK-100',
    name: 'Breakfast black tea 100 g',
    price: 690,
    categoryPath: ['Tea'],
    description: 'A malty Assam blend that stands up to milk.',
  },
  {
    sku: 'TEA-HRB-050',
    name: 'Chamomile herbal tea 50 g',
    price: 590,
    categoryPath: ['Tea'],
    description: 'Whole chamomile flowers with a touch of lemon balm. Caffeine-free.',
  },
  {
    sku: 'MUG-001',
    name: 'Stoneware mug',
    price: 1800,
    categoryPath: ['Kitchen', 'Mugs'],
    description: 'Hand-glazed stoneware, holds a generous 3 dl. Dishwasher safe.',
  },
  {
    sku: 'CUP-GLS-002',
    name: 'Double-walled glass cup',
    price: 1400,
    categoryPath: ['Kitchen', 'Mugs'],
    description: 'Keeps tea hot and fingers cool; 2.5 dl.',
  },
  {
    sku: 'BRW-GRD-001',
    name: 'Hand coffee grinder',
    price: 4900,
    categoryPath: ['Kitchen', 'Brewing'],
    description: 'Steel burrs, 40 grind settings, from espresso fine to press coarse.',
  },
  {
    sku: 'BRW-DRP-001',
    name: 'Ceramic pour-over dripper',
    price: 2200,
    categoryPath: ['Kitchen', 'Brewing'],
    description: 'Brews one or two cups; fits standard size 02 paper filters.',
  },
  {
    sku: 'BRW-PRS-001',
    name: 'French press 0.8 l',
    price: 3490,
    categoryPath: ['Kitchen', 'Brewing'],
    description: 'Borosilicate glass and a fine steel mesh: four cups of full-bodied coffee.',
  },
  {
    sku: 'BRW-POT-001',
    name: 'Cast-iron teapot',
    price: 3900,
    categoryPath: ['Kitchen', 'Brewing'],
    description: 'Enamelled inside, with a removable steel infuser; 0.6 l.',
  },
  {
    sku: 'GIFT-CARD',
    name: 'Gift card 25 €',
    price: 2500,
    categoryPath: ['Gift cards'],
    description: 'For the coffee or tea lover who has everything. Earns no points.',
    tags: ['gift-card'],
  },
];

export type DemoShopperId = 'aino' | 'bence' | 'emina' | 'armen';

export interface DemoPerson {
  /** The web identity's external id: customer tokens have `sub` "web:<externalId>". */
  externalId: string;
  firstName: string;
  lastName: string;
  email: string;
  locale: string;
}

/** Order lines as "SKU×quantity" (×1 when left out), days before the seed. */
export interface DemoOrder {
  externalId: string;
  daysAgo: number;
  lines: string[];
}

export interface DemoShopper extends DemoPerson {
  id: DemoShopperId;
  orders: DemoOrder[];
}

/**
 * The shoppers of the demo's switcher. Aino's two orders are the README example (a test counts her
 * points: 311, tier Member); Bence reaches Silver, Emina Gold, Armen is new.
 */
export const DEMO_SHOPPERS: DemoShopper[] = [
  {
    id: 'aino',
    externalId: 'demo-aino',
    firstName: 'Aino',
    lastName: 'Virtanen',
    email: 'aino.virtanen@example.com',
    locale: 'fi',
    orders: [
      { externalId: 'DEMO-1001', daysAgo: 40, lines: ['COF-ESP-250×2', 'MUG-001'] },
      { externalId: 'DEMO-1002', daysAgo: 9, lines: ['COF-FIL-500×3', 'TEA-GRN-100×2'] },
    ],
  },
  {
    id: 'bence',
    externalId: 'demo-bence',
    firstName: 'Bence',
    lastName: 'Kovács',
    email: 'bence.kovacs@example.com',
    locale: 'hu',
    orders: [
      { externalId: 'DEMO-2001', daysAgo: 200, lines: ['COF-FIL-500×2', 'BRW-DRP-001'] },
      { externalId: 'DEMO-2002', daysAgo: 150, lines: ['BRW-GRD-001', 'COF-ESP-250×2'] },
      { externalId: 'DEMO-2003', daysAgo: 110, lines: ['COF-FIL-500×3', 'MUG-001×2'] },
      { externalId: 'DEMO-2004', daysAgo: 60, lines: ['BRW-PRS-001', 'COF-DEC-250×2'] },
      { externalId: 'DEMO-2005', daysAgo: 12, lines: ['COF-FIL-500×2', 'TEA-BLK-100'] },
    ],
  },
  {
    id: 'emina',
    externalId: 'demo-emina',
    firstName: 'Emina',
    lastName: 'Hadžić',
    email: 'emina.hadzic@example.com',
    locale: 'bs',
    orders: [
      { externalId: 'DEMO-3001', daysAgo: 320, lines: ['BRW-GRD-001', 'BRW-DRP-001', 'COF-ESP-250×3'] },
      { externalId: 'DEMO-3002', daysAgo: 270, lines: ['BRW-POT-001', 'TEA-GRN-100×3', 'CUP-GLS-002×4'] },
      { externalId: 'DEMO-3003', daysAgo: 220, lines: ['COF-ESP-250×8', 'MUG-001×4'] },
      { externalId: 'DEMO-3004', daysAgo: 170, lines: ['BRW-PRS-001×2', 'COF-FIL-500×6'] },
      { externalId: 'DEMO-3005', daysAgo: 120, lines: ['COF-ESP-250×6', 'COF-DEC-250×4', 'GIFT-CARD×2'] },
      { externalId: 'DEMO-3006', daysAgo: 80, lines: ['COF-FIL-500×6', 'BRW-DRP-001', 'TEA-HRB-050×2'] },
      { externalId: 'DEMO-3007', daysAgo: 35, lines: ['COF-ESP-250×6', 'TEA-GRN-100×2', 'CUP-GLS-002×2'] },
      { externalId: 'DEMO-3008', daysAgo: 4, lines: ['COF-FIL-500×4', 'MUG-001×2'] },
    ],
  },
  {
    id: 'armen',
    externalId: 'demo-armen',
    firstName: 'Armen',
    lastName: 'Petrosyan',
    email: 'armen.petrosyan@example.com',
    locale: 'hy',
    orders: [{ externalId: 'DEMO-4001', daysAgo: 6, lines: ['TEA-BLK-100×2', 'TEA-HRB-050', 'CUP-GLS-002×2'] }],
  },
];

type Background = DemoPerson & { key: string; baskets: [number, string[]][] };

const person = (key: string, firstName: string, lastName: string, locale: string): DemoPerson & { key: string } => ({
  key,
  externalId: `demo-${key}`,
  firstName,
  lastName,
  email: `${key}@example.com`,
  locale,
});

/**
 * Other customers of the shop. Their baskets follow a few habits (espresso and grinders, pour-over
 * and kettles, tea and teapots…), so "bought together" and "for you" lists have something to find.
 */
export const DEMO_BACKGROUND: Background[] = [
  {
    ...person('mikko', 'Mikko', 'Laine', 'fi'),
    baskets: [
      [300, ['COF-ESP-250×2', 'BRW-GRD-001']],
      [90, ['COF-ESP-250×3', 'MUG-001']],
    ],
  },
  {
    ...person('eszter', 'Eszter', 'Nagy', 'hu'),
    baskets: [
      [250, ['TEA-GRN-100', 'BRW-POT-001']],
      [70, ['TEA-GRN-100×2', 'CUP-GLS-002×2']],
    ],
  },
  {
    ...person('lejla', 'Lejla', 'Begić', 'bs'),
    baskets: [
      [280, ['COF-FIL-500', 'BRW-DRP-001']],
      [140, ['COF-FIL-500×2', 'MUG-001']],
      [30, ['COF-FIL-500×2']],
    ],
  },
  {
    ...person('ani', 'Ani', 'Sargsyan', 'hy'),
    baskets: [
      [210, ['TEA-BLK-100', 'TEA-HRB-050']],
      [60, ['BRW-POT-001', 'TEA-BLK-100×2', 'CUP-GLS-002']],
    ],
  },
  {
    ...person('oliver', 'Oliver', 'Smith', 'en'),
    baskets: [
      [190, ['BRW-PRS-001', 'COF-FIL-500']],
      [50, ['COF-DEC-250×2', 'MUG-001']],
    ],
  },
  {
    ...person('sofia', 'Sofia', 'Korhonen', 'fi'),
    baskets: [
      [230, ['COF-ESP-250', 'BRW-GRD-001', 'MUG-001']],
      [100, ['COF-ESP-250×2']],
      [15, ['GIFT-CARD']],
    ],
  },
  {
    ...person('david', 'Dávid', 'Tóth', 'hu'),
    baskets: [
      [160, ['COF-FIL-500', 'BRW-DRP-001', 'MUG-001']],
      [45, ['COF-FIL-500×2', 'COF-DEC-250']],
    ],
  },
  {
    ...person('amar', 'Amar', 'Delić', 'bs'),
    baskets: [
      [260, ['BRW-PRS-001', 'COF-DEC-250']],
      [120, ['COF-ESP-250×2', 'BRW-GRD-001']],
    ],
  },
  {
    ...person('narek', 'Narek', 'Hovhannisyan', 'hy'),
    baskets: [
      [180, ['TEA-GRN-100', 'TEA-HRB-050', 'CUP-GLS-002']],
      [25, ['TEA-GRN-100×2', 'BRW-POT-001']],
    ],
  },
  {
    ...person('emma', 'Emma', 'Brown', 'en'),
    baskets: [
      [130, ['COF-ESP-250', 'MUG-001×2']],
      [40, ['COF-ESP-250×2', 'BRW-GRD-001']],
    ],
  },
  {
    ...person('juho', 'Juho', 'Mäkinen', 'fi'),
    baskets: [
      [220, ['COF-FIL-500×2', 'BRW-DRP-001']],
      [85, ['BRW-PRS-001', 'COF-FIL-500']],
    ],
  },
  {
    ...person('reka', 'Réka', 'Szabó', 'hu'),
    baskets: [
      [150, ['TEA-BLK-100', 'BRW-POT-001', 'CUP-GLS-002×2']],
      [20, ['TEA-BLK-100×2', 'TEA-HRB-050']],
    ],
  },
  {
    ...person('selma', 'Selma', 'Kovačević', 'bs'),
    baskets: [
      [240, ['TEA-GRN-100', 'CUP-GLS-002']],
      [95, ['TEA-HRB-050×2', 'TEA-GRN-100']],
    ],
  },
  {
    ...person('lilit', 'Lilit', 'Grigoryan', 'hy'),
    baskets: [
      [175, ['COF-ESP-250', 'BRW-GRD-001']],
      [55, ['COF-ESP-250×2', 'MUG-001']],
    ],
  },
  {
    ...person('noah', 'Noah', 'Wilson', 'en'),
    baskets: [
      [205, ['COF-FIL-500', 'BRW-DRP-001', 'MUG-001']],
      [65, ['BRW-PRS-001', 'COF-DEC-250']],
    ],
  },
  {
    ...person('laura', 'Laura', 'Heikkinen', 'fi'),
    baskets: [
      [115, ['TEA-GRN-100', 'BRW-POT-001', 'CUP-GLS-002']],
      [10, ['GIFT-CARD', 'TEA-HRB-050']],
    ],
  },
];

/** The background customers' orders, numbered DEMO-9xxx in a fixed order. */
export function backgroundOrders(): { customer: Background; order: DemoOrder }[] {
  const out: { customer: Background; order: DemoOrder }[] = [];
  let number = 9001;
  for (const customer of DEMO_BACKGROUND)
    for (const [daysAgo, lines] of customer.baskets)
      out.push({ customer, order: { externalId: `DEMO-${number++}`, daysAgo, lines } });
  return out;
}

export function parseLine(line: string): { sku: string; quantity: number } {
  const [sku, quantity] = line.split('×');
  return { sku: sku!, quantity: quantity ? Number(quantity) : 1 };
}

export interface DemoReview {
  /** A shopper id or a background customer key; they bought the sku, so the review is verified. */
  by: string;
  sku: string;
  rating: number;
  title: string;
  body: string;
  locale: string;
  daysAgo: number;
  /** Files under demo/images/reviews/. */
  photos?: string[];
  reply?: string;
  /** Who found it helpful (shopper ids or background keys). */
  helpful?: string[];
}

export const DEMO_REVIEWS: DemoReview[] = [
  {
    by: 'mikko',
    sku: 'COF-ESP-250',
    rating: 5,
    title: 'Our everyday espresso',
    body: 'Rich crema, chocolate and a hint of cherry. We have bought it three times now and it is consistently good.',
    locale: 'en',
    daysAgo: 80,
    photos: ['espresso-cup.svg'],
    helpful: ['sofia', 'emma', 'lilit', 'aino'],
    reply: 'Thank you, Mikko! The next batch is roasting on Monday.',
  },
  {
    by: 'sofia',
    sku: 'COF-ESP-250',
    rating: 4,
    title: 'Tasty, a little dark for me',
    body: 'Great in a moka pot. Straight as espresso it is a bit too bitter for my taste, but with milk it is lovely.',
    locale: 'en',
    daysAgo: 95,
    helpful: ['mikko'],
  },
  {
    by: 'emina',
    sku: 'COF-ESP-250',
    rating: 5,
    title: 'Odlična kafa',
    body: 'Puna, čokoladna aroma i lijepa krema. Kupujem je za cijelu kancelariju.',
    locale: 'bs',
    daysAgo: 30,
    helpful: ['amar', 'lejla'],
  },
  {
    by: 'lilit',
    sku: 'COF-ESP-250',
    rating: 3,
    title: 'Good, but order fresh',
    body: 'The first bag was great, the second had been roasted a month before it arrived. Still fine, just less aroma.',
    locale: 'en',
    daysAgo: 50,
    reply: 'Sorry about that, Lilit. We now roast to order every week, so beans ship within seven days of roasting.',
  },
  {
    by: 'lejla',
    sku: 'COF-FIL-500',
    rating: 5,
    title: 'Light and fruity',
    body: 'Exactly what a Nordic filter roast should be: bright, clean and sweet. Perfect in a pour-over.',
    locale: 'en',
    daysAgo: 120,
    photos: ['pour-over.svg'],
    helpful: ['juho', 'noah', 'david', 'bence'],
  },
  {
    by: 'bence',
    sku: 'COF-FIL-500',
    rating: 5,
    title: 'Kedvenc filterkávém',
    body: 'Gyümölcsös, könnyű pörkölés, reggelente mindig ezt főzöm. A csomagolás is kiváló.',
    locale: 'hu',
    daysAgo: 100,
    helpful: ['david', 'eszter'],
  },
  {
    by: 'juho',
    sku: 'COF-FIL-500',
    rating: 4,
    title: 'Hyvä arkikahvi',
    body: 'Raikas ja pehmeä, sopii hyvin suodatinkeittimeen. Toivoisin myös kokonaisia papuja.',
    locale: 'fi',
    daysAgo: 70,
  },
  {
    by: 'oliver',
    sku: 'COF-DEC-250',
    rating: 4,
    title: 'Decaf that tastes like coffee',
    body: 'I would not have guessed it was decaf. Slightly flat as espresso, excellent in a press.',
    locale: 'en',
    daysAgo: 40,
    helpful: ['amar'],
  },
  {
    by: 'amar',
    sku: 'COF-DEC-250',
    rating: 5,
    title: 'Za večernju kafu',
    body: 'Pijem je poslije večere i spavam kao beba. Ukus je pun i nije gorak.',
    locale: 'bs',
    daysAgo: 240,
  },
  {
    by: 'eszter',
    sku: 'TEA-GRN-100',
    rating: 5,
    title: 'Friss és illatos',
    body: 'Igazi sencha, szép zöld levelekkel. 70 fokos vízzel a legjobb.',
    locale: 'hu',
    daysAgo: 60,
    helpful: ['selma', 'narek'],
  },
  {
    by: 'narek',
    sku: 'TEA-GRN-100',
    rating: 4,
    title: 'Թարմ և նուրբ',
    body: 'Լավ կանաչ թեյ է, մի փոքր դառը, եթե ջուրը շատ տաք է։',
    locale: 'hy',
    daysAgo: 170,
  },
  {
    by: 'selma',
    sku: 'TEA-GRN-100',
    rating: 5,
    title: 'Smooth green tea',
    body: 'Grassy and sweet, never bitter if you keep the water below boiling. Two infusions from one spoonful.',
    locale: 'en',
    daysAgo: 230,
    photos: ['tea-cup.svg'],
  },
  {
    by: 'ani',
    sku: 'TEA-BLK-100',
    rating: 5,
    title: 'Առավոտյան թեյ',
    body: 'Թունդ և հաճելի, կաթով շատ համեղ է։ Կգնեմ նորից։',
    locale: 'hy',
    daysAgo: 200,
    helpful: ['armen', 'reka'],
  },
  {
    by: 'reka',
    sku: 'TEA-BLK-100',
    rating: 4,
    title: 'Strong breakfast blend',
    body: 'Malty and strong, exactly right with milk. A resealable bag would be nice.',
    locale: 'en',
    daysAgo: 140,
    reply: 'Good idea, Réka: the autumn batch comes in a resealable pouch.',
  },
  {
    by: 'laura',
    sku: 'TEA-HRB-050',
    rating: 5,
    title: 'Rauhoittava iltatee',
    body: 'Ihanan pehmeä kamomillatee, jossa on raikas sitruunamelissan vivahde.',
    locale: 'fi',
    daysAgo: 8,
  },
  {
    by: 'armen',
    sku: 'TEA-HRB-050',
    rating: 4,
    title: 'Երեկոյան համար',
    body: 'Մեղմ և հանգստացնող։ Ծաղիկները ամբողջական են, շատ գեղեցիկ։',
    locale: 'hy',
    daysAgo: 3,
  },
  {
    by: 'emma',
    sku: 'MUG-001',
    rating: 5,
    title: 'Beautiful glaze',
    body: 'Every mug is a little different. Mine has a deep blue glaze and the handle fits four fingers.',
    locale: 'en',
    daysAgo: 125,
    photos: ['mug.svg'],
    helpful: ['mikko', 'sofia', 'noah'],
    reply: 'Thank you, Emma! Each one is glazed by hand in our studio in Porvoo.',
  },
  {
    by: 'noah',
    sku: 'MUG-001',
    rating: 4,
    title: 'Sturdy and generous',
    body: 'Heavy in a good way and keeps coffee warm. Wish it came in a smaller size for espresso too.',
    locale: 'en',
    daysAgo: 200,
  },
  {
    by: 'david',
    sku: 'MUG-001',
    rating: 3,
    title: 'Szép, de nehéz',
    body: 'Nagyon szép bögre, de számomra kicsit túl nehéz. A mázzal nincs gond.',
    locale: 'hu',
    daysAgo: 155,
  },
  {
    by: 'selma',
    sku: 'CUP-GLS-002',
    rating: 5,
    title: 'Čaj izgleda prelijepo',
    body: 'Dupli zid stvarno radi: čaj ostaje vruć, a čaša se ne može ugrijati u ruci.',
    locale: 'bs',
    daysAgo: 235,
    photos: ['glass-cup.svg'],
    helpful: ['eszter'],
  },
  {
    by: 'reka',
    sku: 'CUP-GLS-002',
    rating: 4,
    title: 'Elegant and light',
    body: 'Lovely to hold and shows off the colour of the tea. Hand wash only, which is a little annoying.',
    locale: 'en',
    daysAgo: 145,
  },
  {
    by: 'mikko',
    sku: 'BRW-GRD-001',
    rating: 5,
    title: 'Consistent grind',
    body: 'Fine enough for espresso and the burrs give a very even grind. Takes about 40 seconds for a double shot.',
    locale: 'en',
    daysAgo: 290,
    photos: ['grinder.svg'],
    helpful: ['lilit', 'amar', 'emma', 'emina', 'bence'],
  },
  {
    by: 'amar',
    sku: 'BRW-GRD-001',
    rating: 4,
    title: 'Odličan mlin',
    body: 'Kvalitetna izrada i lagano mljevenje. Malo je bučan, ali to ne smeta.',
    locale: 'bs',
    daysAgo: 110,
  },
  {
    by: 'lejla',
    sku: 'BRW-DRP-001',
    rating: 5,
    title: 'Savršen za jutro',
    body: 'Jednostavan za korištenje i lako se čisti. Kafa je čista i aromatična.',
    locale: 'bs',
    daysAgo: 270,
    helpful: ['juho'],
  },
  {
    by: 'juho',
    sku: 'BRW-DRP-001',
    rating: 4,
    title: 'Hyvä suodatinsuppilo',
    body: 'Tasainen uutto ja kaunis muotoilu. Reiät ovat hieman pienet, joten hauduttaminen kestää.',
    locale: 'fi',
    daysAgo: 210,
  },
  {
    by: 'oliver',
    sku: 'BRW-PRS-001',
    rating: 5,
    title: 'No grounds in the cup',
    body: 'The double mesh really keeps the sludge out. Four big cups on a Sunday morning.',
    locale: 'en',
    daysAgo: 180,
    helpful: ['juho', 'bence'],
  },
  {
    by: 'bence',
    sku: 'BRW-PRS-001',
    rating: 4,
    title: 'Jó kávéprés',
    body: 'Erős üveg, jól szűr. A fedő kissé lötyög, de a kávé kiváló.',
    locale: 'hu',
    daysAgo: 55,
  },
  {
    by: 'eszter',
    sku: 'BRW-POT-001',
    rating: 5,
    title: 'Gyönyörű teáskanna',
    body: 'Sokáig melegen tartja a teát, és a szűrő könnyen kivehető.',
    locale: 'hu',
    daysAgo: 240,
    photos: ['teapot.svg'],
    helpful: ['narek', 'laura'],
    reply: 'Köszönjük, Eszter! Enjoy your tea.',
  },
  {
    by: 'laura',
    sku: 'BRW-POT-001',
    rating: 4,
    title: 'Painava mutta kaunis',
    body: 'Pitää teen lämpimänä pitkään. Kahva kuumenee, joten patalappu on tarpeen.',
    locale: 'fi',
    daysAgo: 110,
  },
  {
    by: 'sofia',
    sku: 'GIFT-CARD',
    rating: 5,
    title: 'Easy gift',
    body: 'Arrived by email at once and my brother could choose his own beans. Simple.',
    locale: 'en',
    daysAgo: 12,
  },
];

export interface DemoSurvey {
  type: 'NPS' | 'CSAT' | 'CES';
  name: string;
}

/** Always-on surveys: the demo pages embed them for the signed-in shopper or through a signed link. */
export const DEMO_SURVEYS: DemoSurvey[] = [
  { type: 'NPS', name: 'Demo: would you recommend us?' },
  { type: 'CSAT', name: 'Demo: order satisfaction' },
  { type: 'CES', name: 'Demo: ease of ordering' },
];
