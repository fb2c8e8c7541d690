// Draws the dashboard's charts from the JSON spec beside each one (see dashboard/charts.py), and again after htmx
// swaps the dashboard's body. No inline script or style: the Content-Security-Policy forbids them, so tooltips are
// drawn on the canvas (richText) rather than as HTML with style attributes.
(() => {
  "use strict";
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function axisLabel(spec) {
    return spec.percent ? { formatter: "{value}%" } : {};
  }

  function optionOf(spec) {
    const base = {
      animation: !reducedMotion,
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", renderMode: "richText" },
      legend: spec.series.length > 1 || spec.kind === "pie" ? { type: "scroll", bottom: 0 } : undefined,
      grid: { left: 8, right: 16, top: 16, bottom: spec.series.length > 1 ? 40 : 8, containLabel: true },
    };
    if (spec.kind === "pie") {
      const serie = spec.series[0];
      return {
        ...base,
        series: [{
          type: "pie",
          name: serie.name,
          radius: ["35%", "62%"],
          center: ["50%", "45%"],
          label: { formatter: "{b}: {c}" },
          // Empty slices only clutter the labels; each slice carries its own link.
          data: spec.labels
            .map((name, index) => ({ name, value: serie.data[index], link: spec.links[index] }))
            .filter((slice) => slice.value > 0),
        }],
      };
    }
    const categories = { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: spec.kind === "bar" && spec.labels.length > 6 ? 35 : 0 } };
    const values = { type: "value", max: spec.percent ? 100 : undefined, axisLabel: axisLabel(spec) };
    const horizontal = spec.kind === "hbar";
    return {
      ...base,
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? { ...categories, inverse: true } : values,
      series: spec.series.map((serie) => ({
        type: "bar",
        name: serie.name,
        data: serie.data,
        stack: spec.stacked ? "total" : undefined,
        label: { show: !spec.stacked && spec.labels.length <= 16, position: horizontal ? "right" : "top", formatter: spec.percent ? "{c}%" : "{c}" },
      })),
    };
  }

  function draw(root) {
    if (typeof window.echarts === "undefined") {
      return;
    }
    root.querySelectorAll("[data-chart]").forEach((element) => {
      const source = document.getElementById(element.dataset.chart);
      if (!source) {
        return;
      }
      const spec = JSON.parse(source.textContent);
      const previous = window.echarts.getInstanceByDom(element);
      if (previous) {
        previous.dispose();
      }
      const chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(optionOf(spec));
      // Every bar and slice leads to the list behind it, like the table's links.
      chart.on("click", (params) => {
        const link = params.data && params.data.link ? params.data.link : spec.links[params.dataIndex];
        if (link) {
          window.location.assign(link);
        }
      });
    });
  }

  function disposeIn(root) {
    if (typeof window.echarts === "undefined") {
      return;
    }
    root.querySelectorAll("[data-chart]").forEach((element) => {
      const chart = window.echarts.getInstanceByDom(element);
      if (chart) {
        chart.dispose();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:beforeSwap", (event) => disposeIn(event.detail.target));
  document.addEventListener("htmx:afterSettle", (event) => draw(event.detail.target));
  window.addEventListener("resize", () => {
    document.querySelectorAll("[data-chart]").forEach((element) => {
      const chart = window.echarts && window.echarts.getInstanceByDom(element);
      if (chart) {
        chart.resize();
      }
    });
  });
})();
