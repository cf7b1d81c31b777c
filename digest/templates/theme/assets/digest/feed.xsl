<?xml version="1.0" encoding="utf-8"?>
<!-- A feed opened in a browser reads as a page: what it is, how to subscribe, its items.
     Feed readers ignore this stylesheet. One sheet for RSS 2.0 and Atom. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; background: #fff; }
          .about { background: #eef0fb; border-radius: 0.4rem; padding: 0.8rem 1rem; }
          code { background: #fff; padding: 0 0.2rem; word-break: break-all; }
          li { margin: 0.6rem 0; }
          .when { color: #555; font-size: 0.9em; }
          a { color: #2f3fa8; }
          @media (prefers-color-scheme: dark) {
            body { color: #e8e8e8; background: #16171d; }
            .about { background: #262a44; }
            code { background: #16171d; }
            .when { color: #b4b9c6; }
            a { color: #a9b3ff; }
          }
        </style>
      </head>
      <body>
        <main>
          <h1><xsl:value-of select="$title"/></h1>
          <div class="about">
            <p>This is a feed: a feed reader checks it and shows each new paper once. To
              follow it, copy this page's address into your feed reader (Feedly, NetNewsWire,
              Thunderbird, newsboat...).</p>
            <p><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
            <p><a href="{rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href}">Read it on the site</a></p>
          </div>
          <h2>Latest items</h2>
          <ol>
            <xsl:for-each select="rss/channel/item | atom:feed/atom:entry">
              <li>
                <a href="{link | atom:link[@rel='alternate']/@href}"><xsl:value-of select="title | atom:title"/></a>
                <br/><span class="when"><xsl:value-of select="pubDate | atom:published"/></span>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
