/// The one stylesheet, served as `/style.css` (the CSP allows no inline style).
///
/// System fonts with Korean ones named first; text at least 16 px; colours with a contrast of at
/// least 7:1 (AAA) for text and 4.5:1 for borders; visible focus; controls at least 44 px tall for
/// fingers; one column on phones.
enum Stylesheet {
    static let css = """
        :root{color-scheme:light;--ink:#1a1a1a;--muted:#4a4a4a;--line:#6b6b6b;--accent:#0b4f8a;--bg:#ffffff;--soft:#f2f5f8;--bad:#a40000}
        *{box-sizing:border-box}
        html{font-size:100%}
        body{margin:0;background:var(--bg);color:var(--ink);font-family:"Noto Sans KR","Noto Sans CJK KR","NanumGothic","Apple SD Gothic Neo","Malgun Gothic",system-ui,sans-serif;line-height:1.6;font-size:1rem;word-break:keep-all;overflow-wrap:anywhere}
        .skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem}
        .skip:focus{left:.5rem}
        header,main,footer{max-width:46rem;margin:0 auto;padding:1rem}
        header{border-bottom:2px solid var(--accent);display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;justify-content:space-between}
        .site{font-weight:700;font-size:1.1rem;color:var(--ink);text-decoration:none}
        h1{font-size:1.6rem;line-height:1.3;margin:1rem 0 .5rem}
        h2{font-size:1.3rem;margin:2rem 0 .5rem}
        h3{font-size:1.1rem;margin:0 0 .25rem}
        a{color:var(--accent);text-underline-offset:.15em}
        a:focus,button:focus,input:focus,select:focus{outline:3px solid var(--accent);outline-offset:2px}
        .cities{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.75rem}
        .cities li{background:var(--soft);border-left:4px solid var(--accent);padding:.75rem 1rem}
        .cities p{margin:.1rem 0}
        .label{color:var(--muted)}
        .none{color:var(--muted)}
        form{margin:1rem 0}
        fieldset{border:1px solid var(--line);margin:0 0 1rem;padding:.5rem 1rem 1rem}
        legend{font-weight:700;padding:0 .25rem}
        .choices{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.25rem .75rem}
        .choice{display:flex;align-items:center;gap:.5rem;min-height:44px}
        .choice input{width:1.25rem;height:1.25rem;margin:0;flex:none}
        .field{margin:0 0 1rem}
        .field label{display:block;font-weight:700;margin-bottom:.25rem}
        input[type=email],input[type=url],select{width:100%;max-width:30rem;min-height:44px;font:inherit;padding:.4rem .5rem;border:2px solid var(--line);border-radius:4px;background:#fff;color:var(--ink)}
        .hint{color:var(--muted);font-size:.95rem;margin:.25rem 0 0}
        button{font:inherit;font-weight:700;min-height:44px;padding:.5rem 1.25rem;border:2px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;cursor:pointer}
        button.secondary{background:#fff;color:var(--accent)}
        button.danger{background:#fff;color:var(--bad);border-color:var(--bad)}
        a.jump{display:inline-block;font-weight:700;min-height:44px;line-height:44px;padding:0 1.25rem;border:2px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;text-decoration:none}
        .actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
        .notice{background:var(--soft);border-left:4px solid var(--line);padding:.75rem 1rem}
        .errors{border:2px solid var(--bad);padding:.75rem 1rem;margin:1rem 0}
        .errors h2{color:var(--bad);margin-top:0;font-size:1.1rem}
        .error{color:var(--bad);font-weight:700;margin:.25rem 0}
        footer{color:var(--muted);font-size:.9rem;border-top:1px solid var(--line);margin-top:2rem}
        @media (max-width:30rem){h1{font-size:1.35rem}header,main,footer{padding:.75rem}}
        """
}
