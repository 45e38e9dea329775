// The streamkit dashboard page: draws each snapshot the server sends over Server-Sent Events (/events).
// Plain browser JavaScript, no libraries: charts are SVG paths drawn here.

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHART_WIDTH = 246;
const CHART_HEIGHT = 70;

const el = (id) => document.getElementById(id);

function text(tag, value, attributes) {
  const node = document.createElement(tag);
  node.textContent = value;
  for (const [name, v] of Object.entries(attributes || {})) node.setAttribute(name, v);
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) tr.append(cell instanceof Node ? wrapCell(cell) : text('td', String(cell)));
  return tr;
}

function wrapCell(node) {
  if (node.tagName === 'TD') return node;
  const td = document.createElement('td');
  td.append(node);
  return td;
}

const time = (ms) => new Date(ms).toLocaleTimeString();

function stateBadge(state) {
  return text('span', state, { class: 'state', 'data-state': state });
}

function formatNumber(n) {
  if (n === null || n === undefined) return '–';
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

let diagramLoaded = false;
async function loadDiagram() {
  const response = await fetch('/diagram.svg');
  el('diagram').innerHTML = await response.text();
  diagramLoaded = true;
}

function drawDiagram(snapshot) {
  if (!diagramLoaded) return;
  const worst = {};
  const rank = { ALARM: 2, OK: 1, INSUFFICIENT_DATA: 0 };
  for (const alarm of snapshot.alarms) {
    if (!alarm.component) continue;
    if (worst[alarm.component] === undefined || rank[alarm.state] > rank[worst[alarm.component]]) {
      worst[alarm.component] = alarm.state;
    }
  }
  for (const box of document.querySelectorAll('#diagram .component')) {
    const id = box.getAttribute('data-id');
    box.setAttribute('data-state', worst[id] || 'NONE');
    // The first chart of a component (its throughput) is shown under its label.
    const chart = snapshot.charts.find((c) => c.component === id);
    let label = box.querySelector('.rate');
    if (!chart) continue;
    if (!label) {
      const rect = box.querySelector('rect');
      label = document.createElementNS(SVG_NS, 'text');
      label.setAttribute('class', 'rate');
      // Under the box, in the gap between rows, so it never covers the box's own label.
      label.setAttribute('x', String(Number(rect.getAttribute('x')) + 4));
      label.setAttribute('y', String(Number(rect.getAttribute('y')) + Number(rect.getAttribute('height')) + 13));
      box.append(label);
    }
    const last = lastValue(chart.points);
    const per = chart.statistic === 'Sum' ? ` / ${snapshot.chartPeriodMs / 1000} s` : '';
    label.textContent = `${chart.title}: ${formatNumber(last)}${per}`;
  }
}

function lastValue(points) {
  for (let i = points.length - 1; i >= 0; i--) if (points[i] !== null) return points[i];
  return null;
}

function drawAlarms(snapshot) {
  const body = el('alarms').tBodies[0];
  body.replaceChildren();
  let inAlarm = 0;
  for (const alarm of snapshot.alarms) {
    if (alarm.state === 'ALARM') inAlarm++;
    const name = text('td', alarm.id);
    name.title = alarm.description;
    const tr = row([
      name,
      stateBadge(alarm.state),
      `${alarm.metric} ${alarm.rule}`,
      alarm.reason,
      time(alarm.updatedAt),
    ]);
    tr.setAttribute('data-alarm', alarm.id);
    tr.setAttribute('data-state', alarm.state);
    tr.title = alarm.history.map((h) => `${time(h.timestamp)} ${h.oldState} → ${h.newState}`).join('\n');
    body.append(tr);
  }
  for (const alarm of snapshot.unevaluatedAlarms) {
    const tr = row([alarm.id, stateBadge('NOT EVALUATED'), alarm.description, alarm.reason, '']);
    tr.setAttribute('data-alarm', alarm.id);
    tr.setAttribute('data-state', 'NOT_EVALUATED');
    body.append(tr);
  }
  el('alarm-summary').textContent = `${inAlarm} in ALARM of ${snapshot.alarms.length}`;
}

/**
 * The chart's line. A count (Sum) with no datapoint in a period counted nothing, so it is drawn as 0; other
 * statistics have no value there, and the line joins the periods that have one.
 */
function chartPath(points, statistic) {
  const counts = statistic === 'Sum' || statistic === 'SampleCount';
  const values = points.filter((p) => p !== null);
  const max = Math.max(1, ...values);
  const step = CHART_WIDTH / Math.max(1, points.length - 1);
  let d = '';
  let end;
  points.forEach((p, i) => {
    const value = p === null && counts ? 0 : p;
    if (value === null) return;
    const x = (i * step).toFixed(1);
    const y = (CHART_HEIGHT - 2 - (value / max) * (CHART_HEIGHT - 6)).toFixed(1);
    d += `${d ? 'L' : 'M'}${x},${y} `;
    if (p !== null) end = { x, y };
  });
  return { d: d.trim(), max, end };
}

function drawCharts(snapshot) {
  const container = el('charts');
  for (const chart of snapshot.charts) {
    let node = document.getElementById(`chart-${chart.id}`);
    if (!node) {
      let group = document.getElementById(`charts-of-${chart.component}`);
      if (!group) {
        group = document.createElement('div');
        group.id = `charts-of-${chart.component}`;
        group.className = 'component-charts';
        group.append(
          text('h3', chart.component),
          Object.assign(document.createElement('div'), { className: 'chart-row' }),
        );
        container.append(group);
      }
      node = document.createElement('div');
      node.id = `chart-${chart.id}`;
      node.className = 'chart';
      node.setAttribute('data-metric', `${chart.namespace} ${chart.metricName}`);
      const title = document.createElement('div');
      title.className = 'title';
      title.append(text('span', chart.title), text('span', '', { class: 'last' }));
      title.title = `${chart.namespace} ${chart.metricName} (${chart.statistic}) ${JSON.stringify(chart.dimensions)}`;
      const svg = document.createElementNS(SVG_NS, 'svg');
      svg.setAttribute('width', String(CHART_WIDTH));
      svg.setAttribute('height', String(CHART_HEIGHT));
      const base = document.createElementNS(SVG_NS, 'line');
      for (const [k, v] of Object.entries({
        x1: 0,
        x2: CHART_WIDTH,
        y1: CHART_HEIGHT - 2,
        y2: CHART_HEIGHT - 2,
        stroke: '#ccd',
      })) {
        base.setAttribute(k, String(v));
      }
      const path = document.createElementNS(SVG_NS, 'path');
      path.setAttribute('fill', 'none');
      path.setAttribute('stroke', '#0b5cad');
      path.setAttribute('stroke-width', '1.5');
      // The latest datapoint, so a lone one (a gauge sampled once) shows too.
      const dot = document.createElementNS(SVG_NS, 'circle');
      dot.setAttribute('r', '2.5');
      dot.setAttribute('fill', '#0b5cad');
      svg.append(base, path, dot);
      node.append(title, svg);
      group.querySelector('.chart-row').append(node);
    }
    const { d, max, end } = chartPath(chart.points, chart.statistic);
    node.querySelector('path').setAttribute('d', d);
    const dot = node.querySelector('circle');
    dot.setAttribute('visibility', end ? 'visible' : 'hidden');
    if (end) {
      dot.setAttribute('cx', end.x);
      dot.setAttribute('cy', end.y);
    }
    const total = chart.points.reduce((sum, p) => sum + (p || 0), 0);
    node.setAttribute('data-total', String(total));
    node.setAttribute('data-max', String(max));
    node.setAttribute('data-datapoints', String(chart.points.filter((p) => p !== null).length));
    node.querySelector('.last').textContent = `${formatNumber(lastValue(chart.points))} ${chart.unit}`;
  }
}

function drawDeadLetters(snapshot) {
  const body = el('dead-letters').tBodies[0];
  body.replaceChildren();
  for (const { queueName, body: message } of [...snapshot.deadLetters].reverse()) {
    // A Kinesis mapping's failure record names a shard and sequence numbers; a Kafka mapping's, topic partitions and offsets.
    const kafka = message.KafkaBatchInfo;
    const k = message.KinesisBatchInfo || kafka || {};
    const partitions = kafka ? Object.entries(kafka.recordsInfo || {}) : [];
    body.append(
      row([
        message.timestamp || '',
        queueName,
        message.requestContext ? message.requestContext.condition : '',
        kafka ? partitions.map(([p]) => p).join(', ') : k.shardId || '',
        k.batchSize === undefined ? '' : k.batchSize,
        kafka
          ? partitions.map(([, i]) => `${i.firstRecordOffset} … ${i.lastRecordOffset}`).join(', ')
          : `${k.startSequenceNumber || ''} … ${k.endSequenceNumber || ''}`,
      ]),
    );
  }
}

function drawRecords(snapshot) {
  const body = el('records').tBodies[0];
  body.replaceChildren();
  for (const record of [...snapshot.records].reverse().slice(0, 25)) {
    const data = text('td', record.data.length > 300 ? `${record.data.slice(0, 300)}…` : record.data, {
      class: 'data',
    });
    body.append(row([time(record.arrival), record.shardId, record.partitionKey, data]));
  }
}

function drawEvents(snapshot) {
  const list = el('events');
  list.replaceChildren();
  for (const event of [...snapshot.events].reverse()) {
    list.append(text('li', `${time(event.timestamp)}  [${event.source}] ${event.text}`, { 'data-level': event.level }));
  }
}

function draw(snapshot) {
  el('pipeline-name').textContent = snapshot.pipeline.name;
  el('pipeline-preset').textContent = `${snapshot.pipeline.preset} — ${snapshot.pipeline.title}`;
  document.title = `${snapshot.pipeline.name} — streamkit`;
  drawAlarms(snapshot);
  drawDiagram(snapshot);
  drawCharts(snapshot);
  drawDeadLetters(snapshot);
  drawRecords(snapshot);
  drawEvents(snapshot);
  document.body.setAttribute('data-updated', String(snapshot.now));
}

function connect() {
  const source = new EventSource('/events');
  source.addEventListener('open', () => {
    el('connection').textContent = 'live';
    el('connection').setAttribute('data-connected', 'true');
  });
  source.addEventListener('error', () => {
    el('connection').textContent = 'disconnected — retrying';
    el('connection').setAttribute('data-connected', 'false');
  });
  source.addEventListener('snapshot', (event) => draw(JSON.parse(event.data)));
}

loadDiagram().finally(connect);
