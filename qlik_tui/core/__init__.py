"""Everything that is true without a screen. Nothing here may import Textual or Rich."""
