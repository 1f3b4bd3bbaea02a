"""Window options for the see-inside views, checked before Qt is imported: ``--show-view NAME`` raises a
view's tab, ``--select-weight L,I,J`` selects w_L[I, J] in the graph, the heatmaps and the inspector (for
screenshots and demos; ``app.views.apply_arguments`` applies them once the network is built)."""
from __future__ import annotations

from app.cli_options import CliError

TITLES = {"output": "Output", "graph": "Network graph", "inspector": "Jumping Back", "health": "Gradient health",
          "step": "One step"}


def add_arguments(parser) -> None:
    parser.add_argument("--show-view", choices=sorted(TITLES), metavar="NAME")
    parser.add_argument("--select-weight", metavar="L,I,J")


def check_arguments(args, layers=None) -> None:
    """Turn ``args.select_weight`` into (layer, i, j), checked against ``layers`` (units per layer) if known."""
    raw = args.select_weight
    if raw is None:
        return
    try:
        layer, i, j = (int(p) for p in raw.split(","))
    except ValueError:
        raise CliError(f"--select-weight {raw!r} is not allowed; expected LAYER,I,J, e.g. 2,0,1 for w2[0, 1]") \
            from None
    if layer < 1 or i < 0 or j < 0 or (layers is not None and not fits(layers, layer, i, j)):
        shapes = ", ".join(f"w{l} {layers[l]}x{layers[l - 1]}" for l in range(1, len(layers))) if layers else ""
        raise CliError(f"--select-weight {raw!r} is not allowed; expected LAYER >= 1 and I, J >= 0"
                       + (f" within the network's weights ({shapes})" if shapes else ""))
    args.select_weight = (layer, i, j)


def fits(layers, layer: int, i: int, j: int) -> bool:
    """Whether w_layer[i, j] exists in a network of ``layers`` units per layer (inputs first)."""
    from engine.network import has_parameter
    return has_parameter(layers, "w", layer, i, j)
