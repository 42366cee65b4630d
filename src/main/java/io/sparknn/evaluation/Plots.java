package io.sparknn.evaluation;

import io.sparknn.train.History;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Pictures of a fit and of its metrics, drawn with JFreeChart (headless) as PNG images: training curves from a
 * model's {@link History}; ROC and precision-recall curves (one per class for multiclass) and a confusion-matrix
 * heat map from a {@link MetricsReport}; predicted against actual values and residuals for regression. Each method
 * returns the PNG bytes; {@link #write} stores them on any Hadoop file system.
 */
public final class Plots {
  /** Default image width in pixels. */
  public static final int WIDTH = 900;
  /** Default image height in pixels. */
  public static final int HEIGHT = 600;

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // executors and CI have no display
    }
  }

  private Plots() {}

  /**
   * Training curves: train and validation loss, the validation metric and the learning rate per epoch, the best
   * epoch marked, the diagnosis in the title.
   */
  public static byte[] trainingCurves(History h, String title, int width, int height) {
    XYSeries train = new XYSeries("train loss");
    XYSeries val = new XYSeries("validation loss");
    XYSeries metric = new XYSeries("validation " + h.metricName());
    XYSeries lr = new XYSeries("learning rate");
    for (History.Epoch e : h.epochs()) {
      add(train, e.epoch(), e.trainLoss());
      add(val, e.epoch(), e.validationLoss());
      add(metric, e.epoch(), e.validationMetric());
      add(lr, e.epoch(), e.learningRate());
    }
    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
    NumberAxis loss = new NumberAxis("loss");
    NumberAxis metricAxis = new NumberAxis(h.metricName());
    metricAxis.setAutoRangeIncludesZero(false);
    plot.add(lines(loss, train, val), 3);
    plot.add(lines(metricAxis, metric), 2);
    double lrMin = lr.getItemCount() == 0 ? 0 : lr.getMinY();
    double lrMax = lr.getItemCount() == 0 ? 0 : lr.getMaxY();
    org.jfree.chart.axis.ValueAxis lrAxis;
    if (lrMin > 0 && lrMax / lrMin > 20) { // schedules that span decades read best on a log axis
      LogAxis log = new LogAxis("learning rate");
      log.setSmallestValue(1e-12);
      lrAxis = log;
    } else {
      NumberAxis linear = new NumberAxis("learning rate");
      linear.setAutoRangeIncludesZero(true);
      lrAxis = linear;
    }
    plot.add(lines(lrAxis, lr), 1);
    Color[] colours = {new Color(214, 39, 40), new Color(31, 119, 180), new Color(44, 160, 44),
        new Color(127, 127, 127)};
    int c = 0;
    for (Object sub : plot.getSubplots()) {
      XYPlot p = (XYPlot) sub;
      for (int i = 0; i < p.getDataset().getSeriesCount(); i++) {
        p.getRenderer().setSeriesPaint(i, colours[c++ % colours.length]);
        p.getRenderer().setSeriesStroke(i, new BasicStroke(1.6f));
      }
      if (h.bestEpoch() >= 0) {
        ValueMarker best = new ValueMarker(h.bestEpoch(), new Color(0, 110, 0), new BasicStroke(1.2f));
        if (c <= 2) { // label it once, in the loss panel
          best.setLabel("best epoch " + h.bestEpoch());
          best.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
          best.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
          best.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
        }
        p.addDomainMarker(best);
      }
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    History.Diagnosis d = h.diagnosis();
    chart.addSubtitle(new TextTitle(d.fit() + ": " + d.reason(), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    return png(chart, width, height);
  }

  /** ROC curves of a classification report (binary: one; multiclass: one per class, one-vs-rest) with AUCs. */
  public static byte[] roc(MetricsReport r, String title, int width, int height) {
    requireCurves(r);
    XYSeriesCollection data = new XYSeriesCollection();
    for (int g = 0; g < r.curveCount(); g++) {
      data.addSeries(series(curveName(r, g, "auc"), r.rocCurve(g)));
    }
    XYSeries chance = new XYSeries("chance");
    chance.add(0, 0);
    chance.add(1, 1);
    data.addSeries(chance);
    return png(curves(title, "false positive rate", "true positive rate", data), width, height);
  }

  /** Precision-recall curves of a classification report (one per class for multiclass) with average precision. */
  public static byte[] precisionRecall(MetricsReport r, String title, int width, int height) {
    requireCurves(r);
    XYSeriesCollection data = new XYSeriesCollection();
    for (int g = 0; g < r.curveCount(); g++) {
      data.addSeries(series(curveName(r, g, "prAuc"), r.prCurve(g)));
    }
    return png(curves(title, "recall", "precision", data), width, height);
  }

  /** The confusion matrix as a heat map, rows true class, columns predicted, each cell labelled with its count. */
  public static byte[] confusionMatrix(MetricsReport r, String title, int width, int height) {
    double[][] m = r.confusionMatrix();
    if (m.length == 0) {
      throw new IllegalArgumentException("Plots.confusionMatrix: the report is a regression report; it has no"
          + " confusion matrix");
    }
    int k = m.length;
    double[][] xyz = new double[3][k * k];
    double max = 0;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        xyz[0][t * k + p] = p;
        xyz[1][t * k + p] = t;
        xyz[2][t * k + p] = m[t][p];
        max = Math.max(max, m[t][p]);
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("count", xyz);
    String[] names = new String[k];
    for (int c = 0; c < k; c++) {
      names[c] = Integer.toString(c);
    }
    SymbolAxis predicted = new SymbolAxis("predicted class", names);
    SymbolAxis actual = new SymbolAxis("true class", names);
    actual.setInverted(true);
    XYBlockRenderer cells = new XYBlockRenderer();
    LookupPaintScale scale = new LookupPaintScale(0, Math.max(1, max) * 1.0001, Color.WHITE);
    for (int i = 0; i < 50; i++) {
      float f = i / 49f;
      scale.add(Math.max(1, max) * i / 50.0, new Color(1 - 0.8f * f, 1 - 0.55f * f, 1 - 0.2f * f));
    }
    cells.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, predicted, actual, cells);
    if (k <= 30) {
      Font font = new Font(Font.SANS_SERIF, Font.PLAIN, k <= 10 ? 14 : 9);
      for (int t = 0; t < k; t++) {
        for (int p = 0; p < k; p++) {
          XYTextAnnotation a = new XYTextAnnotation(count(m[t][p]), p, t);
          a.setFont(font);
          plot.addAnnotation(a);
        }
      }
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "%,d rows, accuracy %.4f", r.rows(),
        r.metric("accuracy"))));
    return png(chart, width, height);
  }

  /**
   * Regression: predicted against actual values, with the identity line, from about {@code maxPoints} rows of
   * {@code scored} (a seeded sample from every partition, collected to the driver).
   */
  public static byte[] predictedVsActual(Dataset<?> scored, String labelCol, String predictionCol, int maxPoints,
      String title, int width, int height) {
    Sample s = sample(scored, labelCol, predictionCol, maxPoints);
    XYSeries fit = new XYSeries("rows", false);
    for (int i = 0; i < s.actual.length; i++) {
      fit.add(s.actual[i], s.predicted[i]);
    }
    XYSeries identity = new XYSeries("predicted = actual");
    identity.add(s.lo, s.lo);
    identity.add(s.hi, s.hi);
    XYPlot plot = new XYPlot(new XYSeriesCollection(fit), new NumberAxis("actual " + labelCol),
        new NumberAxis("predicted " + labelCol), dots(new Color(31, 119, 180, 110)));
    plot.setDataset(1, new XYSeriesCollection(identity));
    plot.setRenderer(1, new XYLineAndShapeRenderer(true, false));
    return png(withRows(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true), s), width, height);
  }

  /** Regression: residuals (actual − predicted) against predictions, from about {@code maxPoints} rows. */
  public static byte[] residuals(Dataset<?> scored, String labelCol, String predictionCol, int maxPoints,
      String title, int width, int height) {
    Sample s = sample(scored, labelCol, predictionCol, maxPoints);
    XYSeries res = new XYSeries("residual", false);
    for (int i = 0; i < s.actual.length; i++) {
      res.add(s.predicted[i], s.actual[i] - s.predicted[i]);
    }
    XYPlot plot = new XYPlot(new XYSeriesCollection(res), new NumberAxis("predicted " + labelCol),
        new NumberAxis("residual (actual - predicted)"), dots(new Color(214, 39, 40, 110)));
    plot.addRangeMarker(new ValueMarker(0));
    return png(withRows(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false), s), width, height);
  }

  /** Finite (actual, predicted) pairs of a sample of rows, their range and the table's row count. */
  private record Sample(double[] actual, double[] predicted, double lo, double hi, long rows) {}

  private static Sample sample(Dataset<?> scored, String labelCol, String predictionCol, int maxPoints) {
    long n = scored.count();
    // Bernoulli sample of about maxPoints rows from every partition (a limit would favour the first partitions)
    Dataset<?> part = n > maxPoints ? scored.sample(false, maxPoints / (double) n, 7) : scored;
    List<Row> rows = part.selectExpr("cast(" + quote(labelCol) + " as double)", "cast(" + quote(predictionCol)
        + " as double)").collectAsList();
    double[] y = new double[rows.size()];
    double[] p = new double[rows.size()];
    int k = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Row r : rows) {
      if (!r.isNullAt(0) && !r.isNullAt(1) && Double.isFinite(r.getDouble(0)) && Double.isFinite(r.getDouble(1))) {
        y[k] = r.getDouble(0);
        p[k] = r.getDouble(1);
        lo = Math.min(lo, Math.min(y[k], p[k]));
        hi = Math.max(hi, Math.max(y[k], p[k]));
        k++;
      }
    }
    if (k == 0) {
      throw new IllegalArgumentException("Plots: no row with a finite '" + labelCol + "' and '" + predictionCol
          + "' among " + rows.size() + " sampled rows");
    }
    return new Sample(java.util.Arrays.copyOf(y, k), java.util.Arrays.copyOf(p, k), lo, hi, n);
  }

  private static JFreeChart withRows(JFreeChart chart, Sample s) {
    chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "%,d of %,d rows", s.actual.length, s.rows)));
    return chart;
  }

  /** Writes {@code png} to {@code path} on its Hadoop file system (local paths too). */
  public static void write(byte[] png, String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    try (OutputStream out = fs.create(p, true)) {
      out.write(png);
    }
  }

  /** Width and height of a PNG image (a check that the bytes are a real image). */
  public static int[] size(byte[] png) throws IOException {
    BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(png));
    if (img == null) {
      throw new IOException("not a readable image");
    }
    return new int[] {img.getWidth(), img.getHeight()};
  }

  private static XYLineAndShapeRenderer dots(Color color) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
    r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-1.5, -1.5, 3, 3));
    r.setSeriesPaint(0, color);
    return r;
  }

  private static void requireCurves(MetricsReport r) {
    if (r.curveCount() == 0) {
      throw new IllegalArgumentException("Plots: the report has no curves (a regression report, or a"
          + " classification without probability or rawPrediction scores)");
    }
  }

  private static String curveName(MetricsReport r, int g, String metric) {
    if (r.curveCount() == 1) {
      return String.format(Locale.ROOT, "%s %.4f", metric, r.metric(metric));
    }
    return "class " + g;
  }

  private static XYSeries series(String name, double[][] points) {
    XYSeries s = new XYSeries(name, false);
    for (double[] p : points) {
      s.add(p[0], p[1]);
    }
    return s;
  }

  private static JFreeChart curves(String title, String x, String y, XYSeriesCollection data) {
    NumberAxis xa = new NumberAxis(x);
    NumberAxis ya = new NumberAxis(y);
    xa.setRange(0, 1);
    ya.setRange(0, 1.02);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    XYPlot plot = new XYPlot(data, xa, ya, r);
    return new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, data.getSeriesCount() <= 12);
  }

  private static XYPlot lines(org.jfree.chart.axis.ValueAxis axis, XYSeries... series) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : series) {
      data.addSeries(s);
    }
    return new XYPlot(data, null, axis, new XYLineAndShapeRenderer(true, false));
  }

  private static void add(XYSeries s, int x, double y) {
    if (Double.isFinite(y)) {
      s.add(x, y);
    }
  }

  private static String count(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String quote(String col) {
    return "`" + col.replace("`", "``") + "`";
  }

  private static byte[] png(JFreeChart chart, int width, int height) {
    if (width < 100 || height < 100 || width > 10_000 || height > 10_000) {
      throw new IllegalArgumentException("Plots: image size " + width + "x" + height + " is outside 100..10000"
          + " pixels");
    }
    chart.setBackgroundPaint(Color.WHITE);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ChartUtils.writeChartAsPNG(out, chart, width, height);
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
