"""The home page in a real browser, on a phone: Chinese by default, English one tap away."""


def test_home_on_a_phone_switches_to_english(phone_page, transactional_db):
    phone_page.goto("/")
    assert "接诉即办" in phone_page.content()
    phone_page.get_by_role("button", name="English").click()
    phone_page.wait_for_load_state()
    assert "接诉即办" not in phone_page.content()
