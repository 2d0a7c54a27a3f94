package io.modelloop.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Writes replay.json and a self-contained replay.html (inline SVG and CSS, nothing fetched). */
final class ReplayReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

    private ReplayReport() {
    }

    static Map<String, Object> json(ReplayPlan plan, List<RunResult> runs, String started, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("options", plan.options().describe());
        m.put("startedAt", started);
        m.put("wallSeconds", seconds);
        m.put("labels", plan.allLabels());
        m.put("seedLabels", plan.seedLabels());
        m.put("testImages", plan.test().size());
        m.put("notes", plan.notes());
        List<Map<String, Object>> list = new ArrayList<>();
        for (RunResult r : runs) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("policy", r.policy());
            run.put("seed", r.seed());
            run.put("seedImages", r.seedImages());
            run.put("streamImages", r.streamImages());
            run.put("points", r.points());
            run.put("confusion", r.confusion());
            list.add(run);
        }
        m.put("runs", list);
        m.put("summary", ReplaySummary.of(runs));
        return m;
    }

    static void write(Path out, ReplayPlan plan, List<RunResult> runs, String started, double seconds) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = json(plan, runs, started, seconds);
        Files.writeString(out.resolve("replay.json"), JSON.writeValueAsString(json), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("replay.html"), html(plan, runs, json), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static String html(ReplayPlan plan, List<RunResult> runs, Map<String, Object> json) {
        List<String> policies = runs.stream().map(RunResult::policy).distinct().toList();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ModelLoop replay</title>\n<style>")
         .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
         .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
         .append("th{background:#f3f3f3}td.l,th.l{text-align:left}svg{background:#fff;border:1px solid #ddd}")
         .append(".legend span{display:inline-block;margin-right:1.5em}.sw{display:inline-block;width:1em;height:.6em;margin-right:.3em}")
         .append("</style></head><body>\n<h1>ModelLoop replay</h1>\n");
        h.append("<p>Dataset <code>").append(esc(String.valueOf(plan.options().dataset()))).append("</code>: ")
         .append(plan.allLabels().size()).append(" labels, seed labels ").append(esc(String.join(", ", plan.seedLabels())))
         .append(", ").append(plan.test().size()).append(" held-out test images. Started ")
         .append(esc(String.valueOf(json.get("startedAt")))).append(", took ")
         .append(String.format(Locale.ROOT, "%.0f", (Double) json.get("wallSeconds"))).append(" s.</p>\n");
        h.append("<p class=\"legend\">");
        for (int i = 0; i < policies.size(); i++) {
            h.append("<span><i class=\"sw\" style=\"background:").append(colour(i)).append("\"></i>")
             .append(esc(policies.get(i))).append("</span>");
        }
        h.append("</p>\n<h2>Learning curves</h2>\n<p>Macro-F1 on the held-out test set (all labels) against human labels given"
                + " so far; thick line = mean over seeds, thin lines = each seed.</p>\n");
        h.append(curves(runs, policies));
        h.append("<h2>Review load per batch</h2>\n<p>Review loops opened per batch (light) and answered with a label (dark),"
                + " mean over seeds.</p>\n");
        h.append(load(runs, policies));
        h.append("<h2>Summary</h2>\n<table><tr><th class=\"l\">policy</th><th>runs</th><th>final F1 (mean &plusmn; sd)</th>"
                + "<th>area under F1-vs-labels</th><th>labels used</th><th>loops reviewed</th><th>labels discovered</th>"
                + "<th>labels to reach random's final F1</th></tr>\n");
        Map<String, Map<String, Object>> summary = (Map<String, Map<String, Object>>) json.get("summary");
        summary.forEach((policy, m) -> h.append("<tr><td class=\"l\">").append(esc(policy)).append("</td><td>")
                .append(m.get("runs")).append("</td><td>").append(f3(m.get("finalF1Mean"))).append(" &plusmn; ")
                .append(f3(m.get("finalF1Std"))).append("</td><td>").append(f1(m.get("areaUnderCurveMean")))
                .append("</td><td>").append(f1(m.get("labelsUsedMean"))).append("</td><td>").append(f1(m.get("reviewedMean")))
                .append("</td><td>").append(f1(m.get("labelsDiscoveredMean"))).append("</td><td>")
                .append(m.containsKey("labelsToReachRandomFinalF1Mean") ? f1(m.get("labelsToReachRandomFinalF1Mean"))
                        + (Integer.valueOf(0).equals(m.get("runsNeverReachingRandomFinalF1")) ? ""
                        : " (" + m.get("runsNeverReachingRandomFinalF1") + " run(s) never)") : "-")
                .append("</td></tr>\n"));
        h.append("</table>\n<h2>Confusion matrix of the last version</h2>\n<p>Per policy, last seed; rows = true label,"
                + " columns = predicted (<i>(none)</i> = no version or no label).</p>\n");
        for (String policy : policies) {
            RunResult last = runs.stream().filter(r -> r.policy().equals(policy)).reduce((a, b) -> b).orElseThrow();
            h.append("<h3>").append(esc(policy)).append(" seed ").append(last.seed()).append("</h3>\n").append(confusion(last));
        }
        h.append("<h2>Runs</h2>\n");
        for (RunResult r : runs) {
            h.append("<h3>").append(esc(r.policy())).append(" seed ").append(r.seed()).append("</h3>\n<table><tr><th>batch</th>"
                    + "<th>images</th><th>reviewed</th><th>labelled</th><th>human labels</th><th>known labels</th>"
                    + "<th class=\"l\">training</th><th>macro-F1</th><th>accuracy</th><th>wall s</th></tr>\n");
            for (Point p : r.points()) {
                h.append("<tr><td>").append(p.batch() == 0 ? "seed" : p.batch()).append("</td><td>").append(p.images())
                 .append("</td><td>").append(p.reviewed()).append("</td><td>").append(p.labelled()).append("</td><td>")
                 .append(p.humanLabels()).append("</td><td title=\"").append(esc(String.join(", ", p.knownLabels())))
                 .append("\">").append(p.knownLabels().size()).append("</td><td class=\"l\" title=\"")
                 .append(esc(p.trainingReason())).append("\">").append(esc(p.training())).append("</td><td>")
                 .append(f3(p.macroF1())).append("</td><td>").append(f3(p.accuracy())).append("</td><td>")
                 .append(String.format(Locale.ROOT, "%.0f", p.wallSeconds())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String curves(List<RunResult> runs, List<String> policies) {
        int w = 760;
        int ht = 380;
        int left = 50;
        int bottom = 40;
        int top = 15;
        int right = 20;
        double maxX = Math.max(1, runs.stream().mapToInt(r -> r.last().humanLabels()).max().orElse(1));
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(ht)
         .append("\" role=\"img\" aria-label=\"learning curves\">\n");
        for (int t = 0; t <= 10; t += 2) {
            double y = y(t / 10.0, ht, top, bottom);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.1f</text>\n",
                    left, w - right, y, y, left - 5, y + 4, t / 10.0));
        }
        for (int t = 0; t <= 5; t++) {
            double xv = maxX * t / 5;
            double x = x(xv, maxX, w, left, right);
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%.0f</text>\n",
                    x, ht - bottom + 15, xv));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">human labels</text>"
                + "<text x=\"12\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">macro-F1</text>\n",
                (left + w - right) / 2, ht - 5, ht / 2, ht / 2));
        for (int i = 0; i < policies.size(); i++) {
            String policy = policies.get(i);
            List<RunResult> own = runs.stream().filter(r -> r.policy().equals(policy)).toList();
            for (RunResult r : own) {
                s.append(polyline(r.points().stream().map(p -> new double[] {p.humanLabels(), p.macroF1()}).toList(),
                        maxX, w, ht, left, right, top, bottom, colour(i), 1, 0.35));
            }
            int n = own.stream().mapToInt(r -> r.points().size()).min().orElse(0);
            List<double[]> mean = new ArrayList<>();
            for (int b = 0; b < n; b++) {
                final int bi = b;
                mean.add(new double[] {own.stream().mapToDouble(r -> r.points().get(bi).humanLabels()).average().orElse(0),
                        own.stream().mapToDouble(r -> r.points().get(bi).macroF1()).average().orElse(0)});
            }
            s.append(polyline(mean, maxX, w, ht, left, right, top, bottom, colour(i), 3, 1));
            for (double[] p : mean) {
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %.0f labels, F1 %.3f</title></circle>\n",
                        x(p[0], maxX, w, left, right), y(p[1], ht, top, bottom), colour(i), esc(policy), p[0], p[1]));
            }
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
                + "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
                left, w - right, ht - bottom, ht - bottom, left, left, top, ht - bottom));
        return s.append("</svg>\n").toString();
    }

    private static String load(List<RunResult> runs, List<String> policies) {
        int batches = runs.stream().mapToInt(r -> r.points().size() - 1).max().orElse(0);
        int w = 760;
        int ht = 260;
        int left = 50;
        int bottom = 35;
        int top = 15;
        double max = 1;
        double[][] reviewed = new double[policies.size()][batches];
        double[][] labelled = new double[policies.size()][batches];
        for (int i = 0; i < policies.size(); i++) {
            String policy = policies.get(i);
            List<RunResult> own = runs.stream().filter(r -> r.policy().equals(policy)).toList();
            for (int b = 0; b < batches; b++) {
                final int bi = b + 1;
                reviewed[i][b] = own.stream().filter(r -> r.points().size() > bi).mapToDouble(r -> r.points().get(bi).reviewed())
                        .average().orElse(0);
                labelled[i][b] = own.stream().filter(r -> r.points().size() > bi).mapToDouble(r -> r.points().get(bi).labelled())
                        .average().orElse(0);
                max = Math.max(max, reviewed[i][b]);
            }
        }
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(ht)
         .append("\" role=\"img\" aria-label=\"review load per batch\">\n");
        double plotH = ht - top - bottom;
        double group = batches == 0 ? 0 : (w - left - 20.0) / batches;
        double bar = policies.isEmpty() ? 0 : group * 0.8 / policies.size();
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            double y = ht - bottom - plotH * t / 4;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.0f</text>\n", left, w - 20, y, y, left - 5, y + 4, v));
        }
        for (int b = 0; b < batches; b++) {
            double gx = left + b * group + group * 0.1;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d</text>\n",
                    left + b * group + group / 2, ht - bottom + 15, b + 1));
            for (int i = 0; i < policies.size(); i++) {
                double hr = plotH * reviewed[i][b] / max;
                double hl = plotH * labelled[i][b] / max;
                double x = gx + i * bar;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" opacity=\"0.35\">"
                        + "<title>%s batch %d: %.0f reviewed</title></rect>", x, ht - bottom - hr, bar * 0.9, hr, colour(i),
                        esc(policies.get(i)), b + 1, reviewed[i][b]));
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                        + "<title>%s batch %d: %.0f labelled</title></rect>\n", x, ht - bottom - hl, bar * 0.9, hl, colour(i),
                        esc(policies.get(i)), b + 1, labelled[i][b]));
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">batch</text>\n",
                (left + w) / 2, ht - 3));
        return s.append("</svg>\n").toString();
    }

    private static String confusion(RunResult r) {
        TreeSet<String> predicted = new TreeSet<>();
        r.confusion().values().forEach(row -> predicted.addAll(row.keySet()));
        int max = r.confusion().values().stream().flatMap(row -> row.values().stream()).mapToInt(Integer::intValue).max().orElse(1);
        StringBuilder s = new StringBuilder("<table><tr><th class=\"l\">true \\ predicted</th>");
        predicted.forEach(p -> s.append("<th>").append(esc(p)).append("</th>"));
        s.append("</tr>\n");
        r.confusion().forEach((truth, row) -> {
            s.append("<tr><th class=\"l\">").append(esc(truth)).append("</th>");
            for (String p : predicted) {
                int n = row.getOrDefault(p, 0);
                double a = n == 0 ? 0 : 0.1 + 0.8 * n / max;
                String colour = p.equals(truth) ? "44,160,44" : "214,39,40";
                s.append(String.format(Locale.ROOT, "<td style=\"background:rgba(%s,%.2f)\">%d</td>", colour, a, n));
            }
            s.append("</tr>\n");
        });
        return s.append("</table>\n").toString();
    }

    private static String polyline(List<double[]> pts, double maxX, int w, int ht, int left, int right, int top, int bottom,
                                   String colour, double width, double opacity) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" opacity=\"%.2f\" points=\"", colour, width, opacity));
        for (double[] p : pts) {
            s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p[0], maxX, w, left, right), y(p[1], ht, top, bottom)));
        }
        return s.append("\"/>\n").toString();
    }

    private static double x(double v, double maxX, int w, int left, int right) {
        return left + (w - left - right) * v / maxX;
    }

    private static double y(double f1, int ht, int top, int bottom) {
        return ht - bottom - (ht - top - bottom) * Math.max(0, Math.min(1, f1));
    }

    private static String colour(int i) {
        return COLOURS[i % COLOURS.length];
    }

    private static String f3(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
    }

    private static String f1(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", ((Number) v).doubleValue());
    }

    /** HTML-escapes text (labels come from folder names). */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
