import { tokens } from '@fluentui/react-components';
import { useReportStyles } from './ReportsPage.styles';

/**
 * Horizontal bars in plain SVG (no chart library): one row per label, one bar per series, the
 * value written beside each bar so nothing depends on colour alone. The table under it carries
 * the same figures for screen readers, so the picture is labelled as a summary.
 */
const SERIES_FILLS = [tokens.colorBrandBackground, tokens.colorPaletteMarigoldBackground3];
const ROW = 22;
const LABEL_WIDTH = 260;
const BAR_AREA = 380;

export function BarChart(props: {
  readonly title: string;
  readonly labels: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly number[] }[];
}) {
  const styles = useReportStyles();
  const max = Math.max(1, ...props.series.flatMap((s) => s.values));
  const groupHeight = ROW * props.series.length + 8;
  const height = props.labels.length * groupHeight + (props.series.length > 1 ? 24 : 4);
  const width = LABEL_WIDTH + BAR_AREA + 60;
  const summary = `${props.title}: ${props.labels.length} ${props.labels.length === 1 ? 'row' : 'rows'}; the table below has the figures.`;
  // About 7 px a character at 13 px: labels longer than the label column are cut (the full text is in <title> and the table).
  const room = Math.floor((LABEL_WIDTH - 16) / 7.5);
  const short = (text: string): string => (text.length > room ? `${text.slice(0, room - 1)}…` : text);
  return (
    <figure className={styles.figure}>
      <svg viewBox={`0 0 ${width} ${height}`} className={styles.chart} role="img" aria-label={summary}>
        {props.labels.map((label, row) => {
          const top = row * groupHeight;
          return (
            <g key={`${label}-${row}`}>
              <text
                x={LABEL_WIDTH - 8}
                y={top + ROW * 0.7 * props.series.length}
                textAnchor="end"
                fill={tokens.colorNeutralForeground1}
                fontSize="13"
              >
                <title>{label}</title>
                {short(label)}
              </text>
              {props.series.map((s, index) => {
                const value = s.values[row] ?? 0;
                const barWidth = (value / max) * BAR_AREA;
                const y = top + index * ROW;
                return (
                  <g key={s.name}>
                    <rect
                      x={LABEL_WIDTH}
                      y={y + 3}
                      width={Math.max(barWidth, value > 0 ? 2 : 0)}
                      height={ROW - 6}
                      fill={SERIES_FILLS[index % SERIES_FILLS.length]}
                      stroke={tokens.colorNeutralStroke1}
                      strokeWidth={value > 0 ? 0.5 : 0}
                    />
                    <text
                      x={LABEL_WIDTH + barWidth + 6}
                      y={y + ROW - 7}
                      fill={tokens.colorNeutralForeground1}
                      fontSize="12"
                    >
                      {value}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
        {props.series.length > 1
          ? props.series.map((s, index) => (
              <g key={`legend-${s.name}`}>
                <rect
                  x={LABEL_WIDTH + index * 110}
                  y={height - 16}
                  width={12}
                  height={12}
                  fill={SERIES_FILLS[index % SERIES_FILLS.length]}
                />
                <text
                  x={LABEL_WIDTH + index * 110 + 18}
                  y={height - 6}
                  fill={tokens.colorNeutralForeground1}
                  fontSize="12"
                >
                  {s.name}
                </text>
              </g>
            ))
          : null}
      </svg>
    </figure>
  );
}
