"""The references a browser follows from each kind of page file, and the ones it does not."""

from __future__ import annotations

from deploytools.page_references import local_references


def test_html_attributes_relative_and_root_relative() -> None:
    html = (
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="css/app.css?v=3">'
        '<script src="/vendor/lib.js"></script><img srcset="a.png 1x, b%20c.png 2x">'
        '<a href="https://example.com/x.js">ext</a><a href="//cdn.example/y.js">cdn</a>'
        '<a href="#top">top</a><script type="module" src="../outside.js"></script>'
    )
    assert local_references("index.html", html) == {
        "css/app.css",
        "vendor/lib.js",
        "a.png",
        "b c.png",
    }


def test_js_module_imports_resolve_against_the_importing_file() -> None:
    js = (
        'import { a } from "./a.js";\nimport "../side.js";\nexport * from "./re.js";\n'
        'const lazy = () => import("./lazy.js");\nnew URL("./data.json", import.meta.url);\n'
        'fetch("/chat"); const s = "import me";'
    )
    assert local_references("js/main.js", js) == {
        "js/a.js",
        "side.js",
        "js/re.js",
        "js/lazy.js",
        "js/data.json",
    }


def test_css_urls_and_imports() -> None:
    css = "@import 'base.css'; body { background: url(\"../img/bg.png\") } i { src: url(f.woff2) }"
    assert local_references("css/app.css", css) == {"css/base.css", "img/bg.png", "css/f.woff2"}


def test_other_files_refer_to_nothing() -> None:
    assert local_references("README.md", "[x](index.html) ![y](a.png)") == set()
