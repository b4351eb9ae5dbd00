"""The project canvas in a browser: an owner creates a workspace and invites a colleague by link,
puts an idea on the canvas through the form, both score it in their own browsers, and the idea
shows on the quadrant with its mean and spread. Screenshots go to test-output/screenshots/."""

import re

import pytest
from django.contrib.auth.models import User

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passw0rd"
OWNER_SCORES = {
    "one_second_task": 5,
    "clear_a_to_b": 5,
    "enough_data": 4,
    "performance_reachable": 4,
    "engineering_effort": 2,
    "ethical_risk": 1,
    "business_impact": 5,
    "pain_severity": 4,
    "frequency": 5,
    "strategic_fit": 4,
    "error_cost": 3,
}
#: The colleague is less sure of the value: the scores disagree on business impact.
COLLEAGUE_SCORES = {**OWNER_SCORES, "clear_a_to_b": 4, "business_impact": 2, "pain_severity": 3}


def log_in(browser, base_url, username, locale):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base_url + "/")
    return context, page


def score(page, scores, comment):
    for key, value in scores.items():
        page.locator(f'label[for="id_c_{key}_{value}"]').click()
    page.fill("#id_comment", comment)
    page.get_by_test_id("save-scores").click()
    page.get_by_test_id("idea-quadrant").wait_for()


def test_create_score_as_two_evaluators_and_see_it_on_the_quadrant(browser, live_server_asgi, screenshot):
    User.objects.create_user("owner", password=PASSWORD)
    User.objects.create_user("colleague", password=PASSWORD)
    base = live_server_asgi.url
    owner_context, owner = log_in(browser, base, "owner", "ko-KR")
    colleague_context, colleague = log_in(browser, base, "colleague", "en-US")
    try:
        # A workspace, from the main navigation.
        owner.locator("nav.site-nav a[href='/projects/']").click()
        owner.fill("#id_name", "Acme 고객센터")
        owner.get_by_test_id("create-workspace").click()
        owner.get_by_test_id("workspace-name").wait_for()
        workspace_url = owner.url

        # Invite the colleague as an evaluator.
        owner.goto(workspace_url + "members/")
        owner.get_by_test_id("rotate-evaluator").click()
        link = owner.get_by_test_id("invite-evaluator").input_value()
        assert re.search(r"/projects/join/[\w-]+/$", link)
        screenshot(owner, "members-and-invite")
        colleague.goto(link)
        colleague.get_by_test_id("accept-invite").click()
        colleague.wait_for_url(workspace_url)

        # The idea, through the canvas form.
        owner.goto(workspace_url)
        owner.get_by_test_id("new-idea").click()
        owner.fill("#id_title", "Route customer calls <fast>")
        owner.fill("#id_input_a", "what the customer says in the first 20 seconds")
        owner.fill("#id_output_b", "refunds / complaints / cancellations")
        owner.fill("#id_users", "call-centre agents")
        owner.fill("#id_pain_point", "Agents spend a minute per call finding the right desk.")
        owner.locator("label[for='id_value_drivers_0']").click()  # lower cost
        owner.locator("label[for='id_value_drivers_4']").click()  # speed
        owner.locator("label[for='id_one_second_test_1']").click()  # yes
        owner.fill("#id_examples_on_hand", "120000")
        owner.fill("#id_performance_target", "0.95")
        screenshot(owner, "idea-form")
        owner.get_by_test_id("save-idea").click()
        owner.get_by_test_id("idea-title").wait_for()
        assert owner.get_by_test_id("idea-title").inner_text() == "Route customer calls <fast>"
        idea_url = owner.url.split("#")[0]
        idea_id = int(re.search(r"/ideas/(\d+)/", idea_url).group(1))

        # Two evaluators, two browsers.
        score(owner, OWNER_SCORES, "Clear task, lots of logs.")
        colleague.goto(idea_url)
        score(colleague, COLLEAGUE_SCORES, "Not sure it saves that much.")
        assert colleague.get_by_test_id("idea-quadrant").inner_text() == "Do now"
        colleague.get_by_text("Evaluators disagree").first.wait_for()
        screenshot(colleague, "idea-scored-by-two")

        # The quadrant: a bubble linking to the idea, and the same idea in the table and the list.
        owner.goto(workspace_url)
        chart = owner.get_by_test_id("quadrant")
        bubble = chart.locator(f"svg.quadrant-chart a.bubble[data-idea='{idea_id}']")
        bubble.wait_for(state="attached")
        assert bubble.locator("circle").count() == 1
        assert bubble.get_attribute("href") == f"/projects/ideas/{idea_id}/"
        assert "flagged" in bubble.get_attribute("class")
        row = chart.get_by_test_id("quadrant-table").locator("tbody tr").first
        assert "Route customer calls <fast>" in row.inner_text()
        assert "±" in row.inner_text()  # mean and spread of two evaluators
        ranked = owner.get_by_test_id("idea-row").first
        assert "2" in ranked.get_by_test_id("evaluation-count").first.inner_text()
        screenshot(owner, "quadrant")

        # A bubble is a link to its idea.
        box = bubble.locator("circle").bounding_box()
        owner.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        owner.wait_for_url(idea_url)
    finally:
        owner_context.close()
        colleague_context.close()
