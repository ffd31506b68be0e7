"""placeholder"""
from fastapi import APIRouter

pages = APIRouter(tags=["pages"], include_in_schema=False)
