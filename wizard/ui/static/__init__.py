"""Files the app serves from the repository itself, so that no page asks another host for anything.

``ICON`` is the browser tab's icon (64 x 64 PNG). A Material icon name as ``page_icon`` would make every page
load fetch the icon's SVG from a Google font host; a file from here is sent by the app's own server.
"""

from __future__ import annotations

from pathlib import Path

ICON = Path(__file__).with_name("icon.png")
