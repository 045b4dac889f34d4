"""The command-centre wall screen (一网统管 大屏): `stats` defines every figure (and the three rates),
`board` labels them for the page, which refetches them every minute."""
