// Person and org pickers: a select[data-picker] holds only its chosen option(s); Tom Select
// asks the server (data-url, core:pick) for rows matching what is typed. Scoped there.
(() => {
  const init = (root) => {
    if (typeof TomSelect === "undefined") return; // the plain select still posts its value
    root.querySelectorAll("select[data-picker]").forEach((el) => {
      if (el.tomselect) return;
      const url = el.dataset.url;
      const blank = el.dataset.blank;
      new TomSelect(el, {
        valueField: "value",
        labelField: "text",
        searchField: [],
        maxOptions: 50,
        allowEmptyOption: blank !== undefined,
        placeholder: blank || "输入姓名或名称搜索",
        plugins: el.multiple ? ["remove_button"] : [],
        preload: "focus",
        loadThrottle: 250,
        // The server already matched the words; show what it answered, in its order.
        score: () => () => 1,
        load(query, callback) {
          const sep = url.includes("?") ? "&" : "?";
          fetch(`${url}${sep}q=${encodeURIComponent(query)}`, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          })
            .then((r) => (r.ok ? r.json() : { results: [] }))
            .then((data) => callback(data.results))
            .catch(() => callback());
        },
        render: {
          no_results: () => '<div class="no-results">没有匹配的结果</div>',
          loading: () => '<div class="spinner-border spinner-border-sm m-2" role="status"></div>',
        },
      });
    });
  };
  document.addEventListener("DOMContentLoaded", () => {
    init(document);
    document.body.addEventListener("htmx:load", (ev) => init(ev.target));
  });
})();
