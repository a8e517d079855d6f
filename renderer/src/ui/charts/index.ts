// Small SVG charts (no chart library): bars with confidence-interval whiskers and lines over steps.
import './charts.css';

export { BarChart, type BarDatum } from './BarChart.tsx';
export { LineChart, type LinePoint, type LineSeries } from './LineChart.tsx';
export { seriesColor, SERIES_COLORS } from './scale.ts';
