// Functions for the clientside example, looked up by namespace and name.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    text: {
        // Shouts the text; counts the calls in a side update; appends the
        // text to the history list with a Patch.
        shout: function (words) {
            if (words === undefined || words === null) {
                throw window.dash_clientside.PreventUpdate;
            }
            window.__shouts = (window.__shouts || 0) + 1;
            window.dash_clientside.set_props("shout-count", {
                children: "shouted " + window.__shouts + " times",
            });
            const item = {
                namespace: "dash_html_components",
                type: "Li",
                props: { children: String(words) },
            };
            const history = new window.dash_clientside.Patch().append([], item);
            return [String(words).toUpperCase(), history.build()];
        },
    },
});
