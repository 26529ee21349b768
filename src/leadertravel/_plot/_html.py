"""The interactive map as one self-contained HTML page: inline SVG, CSS and a small script.

Nothing is fetched: no tile server, no CDN, no web font, no favicon request; a Content
Security Policy forbids every network request, so a page that tried would fail loudly in
the browser's console rather than leak.
"""

from __future__ import annotations

from html import escape

import numpy as np

from leadertravel._plot._scene import Scene, place_labels
from leadertravel._plot._style import LAND, LAND_VISITED, MARKERS, SEA, ModeStyle

__all__ = ["render_html"]

#: The longer side of the map, in SVG units (fonts and markers are sized against it).
SIDE = 1000.0
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:0;color:#1b1b1b;background:#fff}
header{padding:14px 20px 6px}h1{font-size:1.35em;margin:0}
header p{margin:2px 0;color:#444}.summary{font-size:.9em}
main{display:flex;flex-wrap:wrap;gap:16px;padding:0 20px 20px}
figure{margin:0;flex:1 1 640px;min-width:320px;position:relative}
svg.map{width:100%;height:auto;max-height:78vh;border:1px solid #c9d3dd;background:SEA;
cursor:grab;touch-action:none}
svg.map:active{cursor:grabbing}
.land{fill:LAND;stroke:#9a9a92;stroke-width:.6;fill-rule:evenodd;vector-effect:non-scaling-stroke}
.land.visited{fill:LANDV}
.route{fill:none;stroke-linecap:round;stroke-linejoin:round;vector-effect:non-scaling-stroke}
.route:hover,.hl{filter:drop-shadow(0 0 3px #000)}
.lbl{font-size:17px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.clbl{font-size:18px;font-style:italic;fill:#2d4f7c;paint-order:stroke;stroke:#fff;
stroke-width:3px}
#tip{position:absolute;pointer-events:none;background:#fffffe;border:1px solid #888;
padding:4px 7px;font-size:12.5px;white-space:pre-line;max-width:360px;box-shadow:0 1px 4px #0003}
figcaption{font-size:.85em;color:#333;margin-top:6px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:4px 0}
.legend span{display:inline-flex;align-items:center;gap:5px}
section{flex:0 1 360px}h2{font-size:1.05em;margin:10px 0 4px}
ol,ul{margin:0;padding-left:1.6em}li{margin:2px 0}li.unknown{color:#2d4f7c}
li:hover{background:#eef3f8}.muted{color:#666}
button{font:inherit;font-size:.8em;margin-left:8px}
"""
_JS = """
(function(){
const svg=document.querySelector('svg.map'),tip=document.getElementById('tip');
const fig=svg.parentNode,home=svg.getAttribute('viewBox').split(' ').map(Number);
let vb=home.slice(),drag=null;
function set(){svg.setAttribute('viewBox',vb.join(' '));}
function pt(e){const r=svg.getBoundingClientRect();
return [vb[0]+(e.clientX-r.left)/r.width*vb[2],vb[1]+(e.clientY-r.top)/r.height*vb[3]];}
svg.addEventListener('wheel',function(e){e.preventDefault();const p=pt(e),
k=e.deltaY<0?0.8:1.25,w=Math.min(vb[2]*k,home[2]*2),h=w*vb[3]/vb[2];
vb=[p[0]-(p[0]-vb[0])*w/vb[2],p[1]-(p[1]-vb[1])*h/vb[3],w,h];set();},{passive:false});
svg.addEventListener('pointerdown',function(e){drag=[e.clientX,e.clientY,vb[0],vb[1]];});
window.addEventListener('pointerup',function(){drag=null;});
svg.addEventListener('pointermove',function(e){if(!drag)return;
const r=svg.getBoundingClientRect();vb[0]=drag[2]-(e.clientX-drag[0])/r.width*vb[2];
vb[1]=drag[3]-(e.clientY-drag[1])/r.height*vb[3];set();});
document.getElementById('reset').addEventListener('click',function(){vb=home.slice();set();});
function show(e,text){const r=fig.getBoundingClientRect();tip.textContent=text;
tip.hidden=false;tip.style.left=(e.clientX-r.left+14)+'px';tip.style.top=(e.clientY-r.top+10)+'px';}
function mark(id,on){document.querySelectorAll('[data-ref~="'+id+'"]').forEach(function(n){
n.classList.toggle('hl',on);});}
document.querySelectorAll('[data-tip]').forEach(function(n){
n.addEventListener('mousemove',function(e){show(e,n.dataset.tip);});
n.addEventListener('mouseleave',function(){tip.hidden=true;});});
document.querySelectorAll('li[data-ref]').forEach(function(n){
n.addEventListener('mouseenter',function(){mark(n.dataset.ref,true);});
n.addEventListener('mouseleave',function(){mark(n.dataset.ref,false);});});
})();
"""


class _Frame:
    """Longitude/latitude → SVG units of a map whose longer side is ``SIDE``."""

    def __init__(self, scene: Scene) -> None:
        lon_min, lon_max, lat_min, lat_max = scene.extent
        self.lon_min, self.lat_max = lon_min, lat_max
        wide, high = lon_max - lon_min, (lat_max - lat_min) * scene.aspect
        self.kx = SIDE / max(wide, high)
        self.ky = self.kx * scene.aspect
        self.width, self.height = wide * self.kx, high * self.kx

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.lon_min) * self.kx, (self.lat_max - lat) * self.ky)

    def path(self, rings: tuple[np.ndarray, ...]) -> str:
        parts = []
        for ring in rings:
            x = (ring[:, 0] - self.lon_min) * self.kx
            y = (self.lat_max - ring[:, 1]) * self.ky
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
            parts.append(f"M{pts}Z")
        return "".join(parts)


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _stroke(style: ModeStyle) -> str:
    dash = ""
    if style.dashes:
        dash = f' stroke-dasharray="{" ".join(f"{d * style.width:g}" for d in style.dashes)}"'
    return f'stroke="{style.color}" stroke-width="{style.width:g}"{dash}'


def _marker(kind: str, x: float, y: float, size: float = 1.4) -> str:
    if kind == "home":
        s = 6 * size
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" '
            f'fill="{MARKERS["home"]}" stroke="#1b1b1b" stroke-width="2"/>'
        )
    if kind == "crossing":
        s = 7 * size
        pts = f"{x:.1f},{y - s:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s:.1f} {x - s:.1f},{y:.1f}"
        fill = MARKERS["crossing"]
        return f'<polygon points="{pts}" fill="{fill}" stroke="#fff" stroke-width="1.5"/>'
    if kind == "approximate":
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 * size:.1f}" fill="#fff" '
            f'stroke="{MARKERS["stop"]}" stroke-width="2" stroke-dasharray="2 2"/>'
        )
    if kind == "country":
        return (
            f'<rect x="{x - 7 * size:.1f}" y="{y - 5 * size:.1f}" width="{14 * size:.1f}" '
            f'height="{10 * size:.1f}" fill="{LAND_VISITED}" stroke="{MARKERS["country"]}" '
            'stroke-dasharray="2 1.5"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{5 * size:.1f}" fill="{MARKERS["stop"]}" '
        'stroke="#fff" stroke-width="1.5"/>'
    )


def _legend(scene: Scene) -> str:
    styles = {line.kind: line.style for line in scene.lines}
    items = []
    for kind, text in scene.legend():
        if kind in styles:
            swatch = f'<line x1="2" y1="8" x2="38" y2="8" {_stroke(styles[kind])}/>'
        else:
            swatch = _marker(kind, 20, 8, 0.8)
        items.append(
            f'<span data-legend="{_attr(kind)}"><svg width="40" height="16" aria-hidden="true">'
            f"{swatch}</svg>{escape(text)}</span>"
        )
    return f'<div class="legend">{"".join(items)}</div>'


def _svg(scene: Scene, frame: _Frame) -> str:
    out = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width:.1f} '
        f'{frame.height:.1f}" role="img" aria-label="{_attr(scene.trip.heading)}">',
        f'<rect width="{frame.width:.1f}" height="{frame.height:.1f}" fill="{SEA}"/>',
        '<g id="land">',
    ]
    for o in scene.outlines:
        visited = " visited" if o.code in scene.visited else ""
        out.append(
            f'<path class="land{visited}" data-country="{o.code}" d="{frame.path(o.rings)}">'
            f"<title>{escape(o.name)}</title></path>"
        )
    out.append('</g><g id="route">')
    for line in scene.lines:
        pts = " ".join("{:.1f},{:.1f}".format(*frame.xy(*p)) for p in line.coords)
        out.append(
            f'<polyline class="route" data-mode="{line.kind}" data-ref="{_attr(line.ref)}" '
            f'points="{pts}" {_stroke(line.style)} data-tip="{_attr(line.tip)}"/>'
        )
    out.append('</g><g id="markers">')
    anchors = [frame.xy(*m.at) for m in scene.markers]
    sides = place_labels(
        anchors,
        [m.label for m in scene.markers],
        size=17,
        frame=(0.0, 0.0, frame.width, frame.height),
        avoid=[
            frame.xy(*p)
            for line in scene.lines
            for p in line.coords[:: max(1, len(line.coords) // 6)]
        ],
    )
    for marker, (x, y), side in zip(scene.markers, anchors, sides, strict=True):
        dx, dy, anchor = {
            "right": (11, 6, "start"),
            "left": (-11, 6, "end"),
            "above": (0, -12, "middle"),
            "below": (0, 24, "middle"),
        }[side]
        out.append(
            f'<g class="marker" data-kind="{marker.kind}" data-ref="{_attr(marker.ref)}" '
            f'data-tip="{_attr(marker.tip)}">{_marker(marker.kind, x, y)}'
            f'<text class="lbl" x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">'
            f"{escape(marker.label)}</text></g>"
        )
    for label in scene.labels:
        x, y = frame.xy(*label.at)
        out.append(
            f'<g class="country-stop" data-kind="country" data-country="{label.code}" '
            f'data-ref="{_attr(label.ref)}" '
            f'data-tip="{_attr(label.tip)}">{_marker("country", x, y)}'
            f'<text class="clbl" x="{x:.1f}" y="{y + 28:.1f}" text-anchor="middle">'
            f"{escape(label.text)} (place not recorded)</text></g>"
        )
    out.append("</g></svg>")
    return "".join(out)


def _itinerary(scene: Scene) -> str:
    trip = scene.trip
    rows = []
    if trip.home is not None:
        when = trip.home.departure.strftime("%-d %b") if trip.home.departure else ""
        rows.append(f'<li value="0" class="muted">Start: {escape(trip.home.name)} {when}</li>')
    for s in trip.stops:
        cls = ' class="unknown"' if s.at is None else ""
        where = f"{escape(s.name)}, {escape(s.country)}" if s.at is not None else escape(s.name)
        event = f'<br><span class="muted">{escape(s.event)}</span>' if s.event else ""
        approx = " (location approximate)" if s.approximate else ""
        rows.append(
            f'<li value="{s.seq}"{cls} data-ref="stop-{s.seq}"><b>{where}</b>{approx}, '
            f"{escape(s.dates)}{event}</li>"
        )
    legs = "".join(
        f'<li data-ref="leg-{leg.seq}">{escape(leg.label.split(": ", 1)[1])}</li>'
        for leg in trip.legs
    )
    crossings = "".join(f"<li>{escape(c.label)}</li>" for c in trip.crossings) or "<li>none</li>"
    unplaced = ""
    if scene.unplaced:
        names = ", ".join(f"{s.seq}. {s.country}" for s in scene.unplaced)
        unplaced = (
            f'<p class="muted">Not on the map (no outline for that country): {escape(names)}</p>'
        )
    return (
        f'<section id="itinerary"><h2>Stops</h2><ol start="0">{"".join(rows)}</ol>{unplaced}'
        f"<h2>Legs</h2><ol>{legs}</ol><h2>Border crossings</h2><ul>{crossings}</ul></section>"
    )


def render_html(scene: Scene) -> str:
    """Return the map page of ``scene`` as one self-contained HTML document."""
    trip = scene.trip
    frame = _Frame(scene)
    css = _CSS.replace("SEA", SEA).replace("LANDV", LAND_VISITED).replace("LAND", LAND)
    subtitle = f"<p>{escape(trip.title)}</p>" if trip.title else ""
    office = f" ({escape(trip.office_title)})" if trip.office_title else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(trip.heading)} · {escape(trip.trip_id)}</title>"
        f"<style>{css}</style></head><body>"
        f"<header><h1>{escape(trip.heading)}{office}</h1>{subtitle}"
        f'<p class="summary">{escape(trip.summary)} · trip <code>{escape(trip.trip_id)}</code></p>'
        "</header><main><figure>"
        f'{_svg(scene, frame)}<div id="tip" hidden></div>'
        f"<figcaption>{_legend(scene)}{escape(scene.note)} Outlines: {escape(scene.credit)}."
        '<button id="reset" type="button">Reset view</button> '
        '<span class="muted">Scroll to zoom, drag to pan.</span></figcaption></figure>'
        f"{_itinerary(scene)}</main><script>{_JS}</script></body></html>\n"
    )
