"""The browser view: a run unfolding in the browser, built on Mesa's SolaraViz.

Start it with ``ipsim viz [SCENARIO]``. The modules:

- :mod:`ipsim.viz.viewmodel`: the model the page drives (an :class:`~ipsim.model.IPModel`
  built from the page's controls) and the controls themselves;
- :mod:`ipsim.viz.series`: indicators over time read from a model's recorder;
- :mod:`ipsim.viz.layout`: fixed positions for drawing networks;
- :mod:`ipsim.viz.portrayal`: matplotlib figures of a model (no Solara);
- :mod:`ipsim.viz.components`: the Solara components;
- :mod:`ipsim.viz.app`: the page (one model per browser session).

Nothing here changes the model: the view reads the model's arrays after each step.
"""
