"""At 80 columns a long profile name is cut with an ellipsis so its product label stays on
the same line (it used to wrap onto a second one)."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from qlik_tui.demo.environment import Demo
from qlik_tui.ui.widgets.profile_list import ProfileList
from tests.ui.conftest import make_app, settle

LONG = "production-emea-finance-reporting-virtual-proxy-jwt"


async def test_a_long_name_is_cut_and_its_product_label_stays_on_its_line(demo: Demo, tmp_path: Path) -> None:
    text = demo.profiles_path.read_text().replace("[profiles.demo-cloud]", f"[profiles.{LONG}]")
    text = text.replace("[profiles.demo-cloud.", f"[profiles.{LONG}.")
    path = demo.profiles_path.with_name("long.toml")
    path.write_text(text)
    app = make_app(path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plist = app.query_one(ProfileList)
        width = plist.scrollable_content_region.width
        assert width < len(LONG)  # the name cannot fit whole
        prompts = [plist.get_option_at_index(i).prompt for i in range(plist.option_count)]
        long_line = next(str(p) for p in prompts if str(p).lstrip("● ").startswith(LONG[:8]))
        assert long_line.endswith("  Cloud") and "…" in long_line
        assert all(p.cell_len <= width for p in prompts)  # type: ignore[union-attr]
        shown = plist.render_lines(Region(0, 0, plist.size.width, plist.size.height))  # as painted, borders and all
        texts = [strip.text.strip("│┃ ") for strip in shown]
        assert any(t.endswith("…  Cloud") for t in texts), texts  # one line: the label is there
        assert not any(t.strip() == "Cloud" for t in texts)  # never wrapped onto a line of its own

        assert "● demo-qseow  QSEoW" in texts  # a name that fits is never cut

        # Narrower still (the side panel shrinks): names are fitted again on resize.
        await pilot.resize_terminal(60, 24)
        await settle(pilot)
        narrow = plist.scrollable_content_region.width
        assert all(plist.get_option_at_index(i).prompt.cell_len <= narrow for i in range(plist.option_count))  # type: ignore[union-attr]
