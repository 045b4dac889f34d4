from ninja import Router

upstream_router = Router()
